import { CERTIFICATION_SLUG, MAX_LIST_ITEMS, MAX_PENCE, REGIONS } from 'src/common/domain/procurement-vocabulary';
import { CPV_CODE_PATTERN } from 'src/cpv/domain/cpv-code';
import { EXTERNAL_ID_MAX } from 'src/imports/dto/import-rows.dto';
import { COMPANIES_HOUSE_NUMBER } from 'src/organisations/dto/organisation.dto';
import { PROFILE_LIMITS } from 'src/suppliers/dto/supplier-profile.dto';

// class-validator costs about 60 µs a supplier row, most of an import's CPU. Nearly every row of a
// real file is valid, so this check answers "certainly valid" for a row that plainly meets every
// rule of SupplierImportRowDto (built from the same limits and patterns), and the row is then used
// as it is: a row needing any transformation (untrimmed text) or breaking any rule gets "not sure"
// and goes through the DTO, which alone refuses rows and words their errors. The check may only
// ever be stricter than the DTO; supplier-row-precheck.spec.ts holds the two side by side.

const ROW_KEYS = new Set(['externalId', 'name', 'companiesHouseNumber', 'isSme', 'profile']);
const PROFILE_KEYS = new Set(['summary', 'capabilities', 'caseStudies', 'cpvCodes', 'certifications', 'regions', 'maxContractValue']);
const CASE_STUDY_KEYS = new Set(['title', 'description']);
const REGION_SET: ReadonlySet<string> = new Set(REGIONS);
const CERTIFICATION_MAX = 100;
const NAME_MAX = 300;

/** True only when the row certainly passes SupplierImportRowDto unchanged (see above). */
export function isPlainlyValidSupplierRow(row: unknown): boolean {
  if (!isPlainObject(row) || !onlyKeys(row, ROW_KEYS)) return false;
  if (!isTrimmedText(row.externalId, 1, EXTERNAL_ID_MAX) || !isTrimmedText(row.name, 1, NAME_MAX)) return false;
  const chn = row.companiesHouseNumber;
  if (chn !== undefined && chn !== null && !(typeof chn === 'string' && COMPANIES_HOUSE_NUMBER.test(chn))) return false;
  if (row.isSme !== undefined && row.isSme !== null && typeof row.isSme !== 'boolean') return false;
  const profile = row.profile;
  if (!isPlainObject(profile) || !onlyKeys(profile, PROFILE_KEYS)) return false;
  if (!isTrimmedText(profile.summary, 0, PROFILE_LIMITS.summary)) return false;
  const capabilities = profile.capabilities;
  if (!isList(capabilities) || !capabilities.every((item) => typeof item === 'string' && hasLength(item, 1, PROFILE_LIMITS.capability))) {
    return false;
  }
  const caseStudies = profile.caseStudies;
  if (
    !isList(caseStudies) ||
    !caseStudies.every(
      (study) =>
        isPlainObject(study) &&
        onlyKeys(study, CASE_STUDY_KEYS) &&
        isTrimmedText(study.title, 1, PROFILE_LIMITS.caseStudyTitle) &&
        isTrimmedText(study.description, 1, PROFILE_LIMITS.caseStudyDescription),
    )
  ) {
    return false;
  }
  const cpvCodes = profile.cpvCodes;
  if (!isUniqueList(cpvCodes) || !cpvCodes.every((code) => typeof code === 'string' && CPV_CODE_PATTERN.test(code))) return false;
  const certifications = profile.certifications;
  if (
    !isUniqueList(certifications) ||
    !certifications.every((slug) => typeof slug === 'string' && slug.length <= CERTIFICATION_MAX && CERTIFICATION_SLUG.test(slug))
  ) {
    return false;
  }
  const regions = profile.regions;
  if (!isUniqueList(regions) || !regions.every((region) => typeof region === 'string' && REGION_SET.has(region))) return false;
  const money = profile.maxContractValue;
  return money === undefined || money === null || (typeof money === 'number' && Number.isInteger(money) && money >= 0 && money <= MAX_PENCE);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(value)) if (!allowed.has(key)) return false;
  return true;
}

// Text that the DTO's trimming would leave as it is, within its length limits.
function isTrimmedText(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && hasLength(value, min, max) && value.trim() === value;
}

// class-validator counts a surrogate pair as one character and a variation selector as none, so its
// length is never above String.length: a maximum checked on String.length is as strict or stricter.
// A minimum of one needs a character that is not a bare variation selector.
function hasLength(value: string, min: number, max: number): boolean {
  return value.length <= max && value.length >= min && (min === 0 || /[^\uFE0E\uFE0F]/.test(value));
}

function isList(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length <= MAX_LIST_ITEMS;
}

function isUniqueList(value: unknown): value is unknown[] {
  return isList(value) && new Set(value).size === value.length;
}
