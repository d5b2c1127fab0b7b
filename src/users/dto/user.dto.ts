import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Role, ROLES } from 'src/auth/roles';
import { NoControlCharacters, Optional } from 'src/common/http/validators';
import { UserEntity } from 'src/users/user.entity';

export const lowerCaseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** Passwords: 12 to 200 characters; long passphrases are better than complex short ones. */
export class PasswordField {
  static readonly MIN = 12;
  static readonly MAX = 200;
}

export class CreateUserDto {
  @ApiProperty({ example: 'buyer@department.gov.uk' })
  @Transform(lowerCaseEmail)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PasswordField.MIN, maxLength: PasswordField.MAX })
  @IsString()
  @MinLength(PasswordField.MIN)
  @MaxLength(PasswordField.MAX)
  @NoControlCharacters()
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for buyer, reviewer and supplier users; absent for admins.' })
  @Optional()
  @IsUUID()
  organisationId?: string;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organisationId: string | null;
}

export function toUserResponse(user: UserEntity): UserResponse {
  return { id: user.id, email: user.email, role: user.role, organisationId: user.organisationId };
}
