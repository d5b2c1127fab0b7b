import type { Region } from 'src/common/domain/procurement-vocabulary';
import { MAX_LIST_ITEMS } from 'src/common/domain/procurement-vocabulary';

/**
 * OCDS 1.1 release → the fields of a need (the POST /needs shape plus externalId):
 *
 * - externalId ← `ocid` (the contracting process; many real releases lack `id`, and later releases of
 *   one process update the same need);
 * - title ← `tender.title`; description ← `tender.description`, else the title;
 * - cpvCodes ← every CPV classification of the tender and its items (`classification` and
 *   `additionalClassifications` with scheme CPV), in order, each matched to our `NNNNNNNN-C` code on
 *   its first 8 digits; ids not in the vocabulary are left out with a warning; at most 100;
 * - budgetMax ← `tender.value.amount`, budgetMin ← `tender.minValue.amount`: pounds to whole pence,
 *   GBP only (other currencies are left out with a warning, never converted at a guessed rate);
 * - submissionDeadline ← `tender.tenderPeriod.endDate`;
 * - regions ← the ITL1 (NUTS 1) regions of the items' delivery addresses (`UKM…` → scotland,
 *   `UKL…` → wales, …); `UK` alone → uk-wide.
 *
 * Validation happens afterwards, with the same rules as POST /needs; `OCDS_FIELD_OF` names each need
 * field by the release path it came from, so errors point into the release.
 */
export interface MappedRelease {
  need: Record<string, unknown>;
  errors: { field: string; message: string }[];
  warnings: { field: string; message: string }[];
}

export const OCDS_FIELD_OF: Record<string, string> = {
  externalId: 'ocid',
  title: 'tender.title',
  description: 'tender.description',
  cpvCodes: 'tender.items.classification',
  budgetMin: 'tender.minValue.amount',
  budgetMax: 'tender.value.amount',
  submissionDeadline: 'tender.tenderPeriod.endDate',
  regions: 'tender.items.deliveryAddresses',
};

/** `72000000-5` for `72000000` (or `72000000-5`), when the vocabulary has it. */
export type CpvLookup = (eightDigits: string) => string | undefined;

// ITL1 regions by their NUTS 1 codes (UK…) and their ITL codes since 2021 (TL…).
const REGION_OF_ITL1: Record<string, Region> = {
  C: 'north-east',
  D: 'north-west',
  E: 'yorkshire-and-the-humber',
  F: 'east-midlands',
  G: 'west-midlands',
  H: 'east-of-england',
  I: 'london',
  J: 'south-east',
  K: 'south-west',
  L: 'wales',
  M: 'scotland',
  N: 'northern-ireland',
};

export function mapOcdsRelease(release: unknown, cpvOf: CpvLookup): MappedRelease {
  const errors: MappedRelease['errors'] = [];
  const warnings: MappedRelease['warnings'] = [];
  if (!isObject(release)) return { need: {}, errors: [{ field: 'release', message: 'a release must be a JSON object' }], warnings };
  const tender = release.tender;
  const need: Record<string, unknown> = {};
  if (typeof release.ocid === 'string' && release.ocid.trim() !== '') need.externalId = release.ocid.trim();
  else errors.push({ field: 'ocid', message: 'ocid is required: it identifies the need across imports' });
  if (!isObject(tender)) {
    errors.push({ field: 'tender', message: 'the release has no tender to import as a need' });
    return { need, errors, warnings };
  }
  need.title = typeof tender.title === 'string' ? tender.title : '';
  need.description = typeof tender.description === 'string' && tender.description.trim() !== '' ? tender.description : need.title;
  need.cpvCodes = cpvCodesOf(tender, cpvOf, warnings);
  const budgetMax = penceOf(tender.value, 'tender.value', errors, warnings);
  if (budgetMax !== undefined) need.budgetMax = budgetMax;
  const budgetMin = penceOf(tender.minValue, 'tender.minValue', errors, warnings);
  if (budgetMin !== undefined) need.budgetMin = budgetMin;
  const tenderPeriod = tender.tenderPeriod;
  if (isObject(tenderPeriod) && tenderPeriod.endDate !== undefined && tenderPeriod.endDate !== null) need.submissionDeadline = tenderPeriod.endDate;
  need.regions = regionsOf(tender);
  return { need, errors, warnings };
}

function cpvCodesOf(tender: Record<string, unknown>, cpvOf: CpvLookup, warnings: MappedRelease['warnings']): string[] {
  const ids: unknown[] = [];
  const collect = (holder: unknown) => {
    if (!isObject(holder)) return;
    const candidates = [holder.classification, ...(Array.isArray(holder.additionalClassifications) ? holder.additionalClassifications : [])];
    for (const classification of candidates) {
      if (isObject(classification) && typeof classification.scheme === 'string' && classification.scheme.toUpperCase() === 'CPV') {
        ids.push(classification.id);
      }
    }
  };
  collect(tender);
  if (Array.isArray(tender.items)) tender.items.forEach(collect);
  const codes: string[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const id of ids) {
    const digits = /^\s*(\d{8})(?:-\d)?\s*$/.exec(String(id))?.[1];
    const code = digits === undefined ? undefined : cpvOf(digits);
    if (code === undefined) {
      warnings.push({ field: OCDS_FIELD_OF.cpvCodes, message: `CPV ${String(id)} is not in the vocabulary and was left out` });
      continue;
    }
    if (seen.has(code)) continue;
    seen.add(code);
    if (codes.length < MAX_LIST_ITEMS) codes.push(code);
    else dropped++;
  }
  if (dropped > 0) {
    warnings.push({ field: OCDS_FIELD_OF.cpvCodes, message: `${dropped} further CPV codes were left out: a need holds at most ${MAX_LIST_ITEMS}` });
  }
  return codes;
}

function penceOf(value: unknown, path: string, errors: MappedRelease['errors'], warnings: MappedRelease['warnings']): unknown {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || value.amount === undefined || value.amount === null) return undefined;
  const currency = value.currency;
  if (currency !== undefined && currency !== null && currency !== 'GBP') {
    warnings.push({ field: `${path}.currency`, message: `amounts in ${String(currency)} are not converted; the budget was left empty` });
    return undefined;
  }
  const pence = poundsToPence(value.amount);
  if (pence === null) {
    errors.push({ field: `${path}.amount`, message: 'the amount must be a number of pounds such as 250000 or 1234.56' });
    return undefined;
  }
  return pence;
}

/**
 * Pounds as written (a JSON number such as 1234.56) to whole pence, exactly: the decimal text is
 * shifted two places, never multiplied in binary floating point (0.29 × 100 is 28.999…). A third
 * decimal rounds half up. Returns null for anything that is not a plain non-negative decimal; sums
 * beyond JavaScript's exact integers come back as they are, for the validator to refuse.
 */
export function poundsToPence(amount: unknown): number | null {
  const text = typeof amount === 'number' && Number.isFinite(amount) ? decimalText(amount) : null;
  if (text === null) return null;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(3, '0');
  let pence = BigInt(match[1]) * 100n + BigInt(fraction.slice(0, 2));
  if (Number(fraction[2]) >= 5) pence += 1n;
  return Number(pence);
}

// Numbers print in exponent form beyond 1e21 or below 1e-6; write those out in full.
function decimalText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  if (value < 0) return text;
  return value >= 1 ? BigInt(Math.round(value)).toString() : value.toFixed(20).replace(/0+$/, '');
}

function regionsOf(tender: Record<string, unknown>): Region[] {
  const codes: string[] = [];
  const addressesOf = (holder: unknown) => {
    if (!isObject(holder) || !Array.isArray(holder.deliveryAddresses)) return;
    for (const address of holder.deliveryAddresses) if (isObject(address) && typeof address.region === 'string') codes.push(address.region.trim().toUpperCase());
  };
  addressesOf(tender);
  if (Array.isArray(tender.items)) tender.items.forEach(addressesOf);
  const regions = new Set<Region>();
  let ukWide = false;
  for (const code of codes) {
    const itl1 = /^(?:UK|TL)([C-N])/.exec(code)?.[1];
    if (itl1 !== undefined) regions.add(REGION_OF_ITL1[itl1]);
    else if (code === 'UK' || code === 'GB') ukWide = true;
  }
  if (regions.size === 0 && ukWide) return ['uk-wide'];
  return [...regions];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
