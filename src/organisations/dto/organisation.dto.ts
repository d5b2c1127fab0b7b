import { Optional, Text } from 'src/common/http/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ORGANISATION_KINDS, OrganisationKind } from 'src/auth/roles';
import { OrganisationEntity } from 'src/organisations/organisation.entity';

export const COMPANIES_HOUSE_NUMBER = /^(?:\d{8}|[A-Z]{2}\d{6})$/;
export const trimString = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganisationDto {
  @ApiProperty({ enum: ORGANISATION_KINDS })
  @IsIn(ORGANISATION_KINDS)
  kind: OrganisationKind;

  @ApiProperty({ maxLength: 300, example: 'Department for Digital Services' })
  @Text(300)
  name: string;

  @ApiPropertyOptional({ example: '01234567', description: 'Companies House number: 8 digits, or 2 letters and 6 digits.' })
  @Optional()
  @IsString()
  @Matches(COMPANIES_HOUSE_NUMBER, { message: 'companiesHouseNumber must be 8 digits, or 2 capital letters and 6 digits' })
  companiesHouseNumber?: string;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @IsBoolean()
  isSme?: boolean;
}

export class OrganisationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind: OrganisationKind;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) companiesHouseNumber: string | null;
  @ApiProperty() isSme: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export function toOrganisationResponse(entity: OrganisationEntity): OrganisationResponse {
  return {
    id: entity.id,
    kind: entity.kind,
    name: entity.name,
    companiesHouseNumber: entity.companiesHouseNumber,
    isSme: entity.isSme,
    createdAt: entity.createdAt.toISOString(),
  };
}
