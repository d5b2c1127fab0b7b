import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role } from 'src/auth/roles';
import { NoControlCharacters, Optional, Text } from 'src/common/http/validators';
import { COMPANIES_HOUSE_NUMBER, trimString } from 'src/organisations/dto/organisation.dto';
import { lowerCaseEmail, PasswordField } from 'src/users/dto/user.dto';

export class LoginDto {
  @ApiProperty({ example: 'admin@procurement-match.local' })
  @Transform(lowerCaseEmail)
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  @NoControlCharacters()
  email: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(PasswordField.MAX)
  password: string;
}

export class RegisterSupplierDto {
  @ApiProperty({ example: 'bids@small-supplier.co.uk' })
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

  @ApiProperty({ maxLength: 300, example: 'Small Supplier Ltd' })
  @Text(300)
  organisationName: string;

  @ApiPropertyOptional({ example: '01234567' })
  @Optional()
  @IsString()
  @Matches(COMPANIES_HOUSE_NUMBER, { message: 'companiesHouseNumber must be 8 digits, or 2 capital letters and 6 digits' })
  companiesHouseNumber?: string;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  isSme?: boolean;
}

export class TokenResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires.' }) expiresIn: number;
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organisationId: string | null;
}
