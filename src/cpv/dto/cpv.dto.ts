import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import { CpvCodeEntity } from 'src/cpv/cpv-code.entity';
import { cpvLevelOf, CpvLevel } from 'src/cpv/domain/cpv-code';

export class CpvSearchQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Words to find in the description (case-insensitive).', example: 'software' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Leading digits of the code, e.g. 72 for IT services.', example: '72' })
  @IsOptional()
  @Matches(/^\d{1,8}$/, { message: 'prefix must be 1 to 8 digits' })
  prefix?: string;
}

export class CpvCodeResponse {
  @ApiProperty({ example: '72000000-5' }) code: string;
  @ApiProperty({ example: 'IT services: consulting, software development, Internet and support' }) description: string;
  @ApiProperty({ enum: ['division', 'group', 'class', 'category'] }) level: CpvLevel;
}

export class CpvPageResponse {
  @ApiProperty({ type: CpvCodeResponse, isArray: true }) items: CpvCodeResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function toCpvCodeResponse(entity: CpvCodeEntity): CpvCodeResponse {
  return { code: entity.code, description: entity.description, level: cpvLevelOf(entity.code) };
}
