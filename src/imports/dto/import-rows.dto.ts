import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { Text } from 'src/common/http/validators';
import { CreateNeedDto } from 'src/needs/dto/need.dto';
import { COMPANIES_HOUSE_NUMBER } from 'src/organisations/dto/organisation.dto';
import { PutSupplierProfileDto } from 'src/suppliers/dto/supplier-profile.dto';

// Rows are validated with the API's own DTOs and decorators, so an imported row is refused for
// exactly what POST /organisations, PUT /suppliers/me/profile and POST /needs refuse, in their words.

export const EXTERNAL_ID_MAX = 200;

/** One supplier: its organisation and its whole profile, keyed by the id the source system knows it by. */
export class SupplierImportRowDto {
  @Text(EXTERNAL_ID_MAX)
  externalId: string;

  @Text(300)
  name: string;

  @IsOptional()
  @IsString()
  @Matches(COMPANIES_HOUSE_NUMBER, { message: 'companiesHouseNumber must be 8 digits, or 2 capital letters and 6 digits' })
  companiesHouseNumber?: string;

  @IsOptional()
  @IsBoolean()
  isSme?: boolean;

  @IsObject()
  @ValidateNested()
  @Type(() => PutSupplierProfileDto)
  profile: PutSupplierProfileDto;
}

/** One need: the POST /needs fields plus the id the source system knows it by. */
export class NeedImportRowDto extends CreateNeedDto {
  @Text(EXTERNAL_ID_MAX)
  externalId: string;
}
