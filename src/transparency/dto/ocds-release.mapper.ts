import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { NeedStatus } from 'src/needs/domain/need-lifecycle';
import type {
  OcdsApprovedReviewRow,
  OcdsContractRow,
  OcdsOrganisationRow,
  OcdsTenderRow,
  ReleaseHeadRow,
  ReleasePosition,
} from 'src/transparency/ocds.repository';

// Open Contracting Data Standard 1.1: https://standard.open-contracting.org/1.1/en/schema/release/
// One contracting process per need (ocid `<prefix>-<needId>`), told in releases: a tender release
// per published version of the need, one award-and-contract release when it is awarded, and one
// implementation release per approved outcome review.

export const OCDS_VERSION = '1.1';
export const DEFAULT_RELEASE_LIMIT = 100;
export const MAX_RELEASE_LIMIT = 1000;

export class OcdsReleasesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RELEASE_LIMIT, default: DEFAULT_RELEASE_LIMIT, description: 'Releases per page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RELEASE_LIMIT)
  limit: number = DEFAULT_RELEASE_LIMIT;

  @ApiPropertyOptional({ description: 'Opaque: copy it from `links.next` of the previous page.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  cursor?: string;
}

export interface OcdsValue {
  /** Pounds, as a decimal number (the API's pence / 100). */
  amount: number;
  currency: 'GBP';
}

export interface OcdsOrganizationReference {
  id: string;
  name: string;
}

export interface OcdsParty extends OcdsOrganizationReference {
  identifier?: { scheme: string; id: string };
  roles: string[];
}

export interface OcdsItem {
  id: string;
  description?: string;
  classification: { scheme: 'CPV'; id: string; description?: string };
}

export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}

export interface OcdsTender {
  id: string;
  title: string;
  description: string;
  status: 'active' | 'complete' | 'cancelled';
  items: OcdsItem[];
  value?: OcdsValue;
  minValue?: OcdsValue;
  procurementMethod: 'open';
  mainProcurementCategory?: 'goods' | 'works' | 'services';
  eligibilityCriteria?: string;
  tenderPeriod?: OcdsPeriod;
}

export interface OcdsAward {
  id: string;
  title: string;
  status: 'active';
  date: string;
  value: OcdsValue;
  suppliers: OcdsOrganizationReference[];
  contractPeriod: OcdsPeriod;
}

export interface OcdsMilestone {
  id: string;
  title: string;
  type: 'reporting';
  status: 'scheduled' | 'met' | 'partiallyMet' | 'notMet';
  description?: string;
  dateMet?: string;
  dateModified?: string;
}

export interface OcdsTransaction {
  id: string;
  date: string;
  value: OcdsValue;
  payer: OcdsOrganizationReference;
  payee: OcdsOrganizationReference;
}

export interface OcdsImplementation {
  transactions?: OcdsTransaction[];
  milestones: OcdsMilestone[];
}

export interface OcdsContract {
  id: string;
  awardID: string;
  title?: string;
  description?: string;
  status?: 'active' | 'terminated';
  period?: OcdsPeriod;
  value?: OcdsValue;
  implementation: OcdsImplementation;
}

export type OcdsReleaseTag = 'tender' | 'tenderCancellation' | 'award' | 'contract' | 'implementation';

export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: OcdsReleaseTag[];
  initiationType: 'tender';
  language: 'en';
  parties: OcdsParty[];
  buyer: OcdsOrganizationReference;
  tender?: OcdsTender;
  awards?: OcdsAward[];
  contracts?: OcdsContract[];
}

export class OcdsPublisherResponse {
  @ApiProperty() name: string;
}

export class OcdsLinksResponse {
  @ApiProperty({ format: 'uri', description: 'The next page; absent on the last one.' }) next: string;
}

export class OcdsReleasePackageResponse {
  @ApiProperty({ format: 'uri', description: 'This page.' }) uri: string;
  @ApiProperty({ example: OCDS_VERSION }) version: string;
  @ApiProperty({ format: 'date-time', description: 'The date of the newest release in the page.' }) publishedDate: string;
  @ApiProperty({ type: OcdsPublisherResponse }) publisher: OcdsPublisherResponse;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'OCDS 1.1 releases (see https://standard.open-contracting.org/1.1/en/schema/release/), oldest first: by date, then id.',
  })
  releases: OcdsRelease[];
  @ApiPropertyOptional({ type: OcdsLinksResponse }) links?: OcdsLinksResponse;
}

/** The contracting process's tender as published now (a new need version is a new release). */
export function toTenderRelease(head: ReleaseHeadRow, tender: OcdsTenderRow): OcdsRelease {
  const buyer = reference(tender.buyer);
  return {
    ...releaseHeader(head, [tender.status === 'cancelled' ? 'tenderCancellation' : 'tender']),
    parties: [party(tender.buyer, ['buyer'])],
    buyer,
    tender: {
      id: tender.needId,
      title: tender.title,
      description: tender.description,
      status: TENDER_STATUS[tender.status as PublishedNeedStatus],
      items: tender.cpv.map((cpv, index) => ({
        id: String(index + 1),
        ...(cpv.description ? { description: cpv.description } : {}),
        classification: {
          scheme: 'CPV',
          // OCDS publishers (Find a Tender, Public Contracts Scotland) give the 8 digits without the check digit.
          id: cpv.code.slice(0, 8),
          ...(cpv.description ? { description: cpv.description } : {}),
        },
      })),
      ...(tender.budgetMax !== null ? { value: money(tender.budgetMax) } : {}),
      ...(tender.budgetMin !== null ? { minValue: money(tender.budgetMin) } : {}),
      // Published to every supplier on the service.
      procurementMethod: 'open',
      ...(tender.cpv.length > 0 ? { mainProcurementCategory: procurementCategoryOf(tender.cpv[0].code) } : {}),
      ...optional('eligibilityCriteria', eligibilityCriteriaOf(tender)),
      tenderPeriod: {
        ...(tender.publishedAt ? { startDate: tender.publishedAt.toISOString() } : {}),
        ...(tender.submissionDeadline ? { endDate: tender.submissionDeadline.toISOString() } : {}),
      },
    },
  };
}

/** The award and its contract, as made: every review period still scheduled. */
export function toAwardRelease(head: ReleaseHeadRow, contract: OcdsContractRow): OcdsRelease {
  const supplier = reference(contract.supplier);
  const period = contractPeriodOf(contract);
  const value = money(contract.value);
  return {
    ...releaseHeader(head, ['award', 'contract']),
    parties: [party(contract.buyer, ['buyer']), party(contract.supplier, ['supplier'])],
    buyer: reference(contract.buyer),
    awards: [
      {
        id: awardIdOf(contract),
        title: contract.needTitle,
        status: 'active',
        date: contract.awardedAt.toISOString(),
        value,
        suppliers: [supplier],
        contractPeriod: period,
      },
    ],
    contracts: [
      {
        id: contract.contractId,
        awardID: awardIdOf(contract),
        title: contract.needTitle,
        description:
          `Outcome-based contract: ${percentOf(contract.outcomePaymentShare)}% of the value is paid only as agreed outcomes are met, ` +
          `over ${contract.reviewPeriods} review period${contract.reviewPeriods === 1 ? '' : 's'}.`,
        status: CONTRACT_STATUS[contract.status],
        period,
        value,
        implementation: {
          milestones: Array.from({ length: contract.reviewPeriods }, (_, i) => ({
            ...reviewMilestoneHeader(contract, i + 1),
            status: 'scheduled' as const,
          })),
        },
      },
    ],
  };
}

/** One approved outcome review: its period's milestone, and the outcome payment when one is due. */
export function toImplementationRelease(head: ReleaseHeadRow, contract: OcdsContractRow, review: OcdsApprovedReviewRow): OcdsRelease {
  const buyer = reference(contract.buyer);
  const supplier = reference(contract.supplier);
  const paid = BigInt(review.paymentDue) > 0n;
  const decidedAt = review.decidedAt.toISOString();
  const status = milestoneStatusOf(review.weightedAttainment);
  return {
    ...releaseHeader(head, ['implementation']),
    parties: [party(contract.buyer, paid ? ['buyer', 'payer'] : ['buyer']), party(contract.supplier, paid ? ['supplier', 'payee'] : ['supplier'])],
    buyer,
    contracts: [
      {
        id: contract.contractId,
        awardID: awardIdOf(contract),
        implementation: {
          ...(paid
            ? {
                transactions: [
                  { id: review.reviewId, date: decidedAt, value: money(review.paymentDue), payer: buyer, payee: supplier },
                ],
              }
            : {}),
          milestones: [
            {
              ...reviewMilestoneHeader(contract, review.period),
              status,
              description: `Approved outcome review: weighted attainment ${Number(review.weightedAttainment)}, rated ${review.rating.replace(/_/g, ' ')}.`,
              ...(status === 'met' ? { dateMet: decidedAt } : {}),
              dateModified: decidedAt,
            },
          ],
        },
      },
    ],
  };
}

export function toReleasePackage(input: {
  uri: string;
  publisherName: string;
  releases: OcdsRelease[];
  next: string | null;
  now: Date;
}): OcdsReleasePackageResponse {
  const newest = input.releases.at(-1);
  return {
    uri: input.uri,
    version: OCDS_VERSION,
    // Generated on demand: the date of the newest release it holds (releases come oldest first).
    publishedDate: newest ? newest.date : input.now.toISOString(),
    publisher: { name: input.publisherName },
    releases: input.releases,
    ...(input.next ? { links: { next: input.next } } : {}),
  };
}

/** An opaque, URL-safe cursor: the position of the last release of a page. */
export function encodeReleaseCursor(position: ReleasePosition): string {
  return Buffer.from(JSON.stringify([position.date, position.releaseId]), 'utf8').toString('base64url');
}

/** The position a cursor names, or null when it is not one this service made. */
export function decodeReleaseCursor(cursor: string): ReleasePosition | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [date, releaseId] = parsed as unknown[];
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(date) || Number.isNaN(Date.parse(date))) return null;
  if (typeof releaseId !== 'string' || releaseId.length === 0 || releaseId.length > 500) return null;
  return { date, releaseId };
}

type PublishedNeedStatus = Exclude<NeedStatus, 'draft'>;

const TENDER_STATUS: Record<PublishedNeedStatus, OcdsTender['status']> = {
  open: 'active',
  // Closed to new interest but not yet awarded: the process is still under way.
  closed: 'active',
  awarded: 'complete',
  cancelled: 'cancelled',
};

// OCDS has no "completed": a contract that ran its course is `terminated` ("active in the past, now closed").
const CONTRACT_STATUS: Record<OcdsContractRow['status'], 'active' | 'terminated'> = {
  active: 'active',
  completed: 'terminated',
  terminated: 'terminated',
};

function releaseHeader(head: ReleaseHeadRow, tag: OcdsReleaseTag[]): Pick<OcdsRelease, 'ocid' | 'id' | 'date' | 'tag' | 'initiationType' | 'language'> {
  return {
    ocid: head.ocid,
    id: head.releaseId,
    // RFC 3339 in UTC; the microseconds PostgreSQL keeps live on only in the cursor.
    date: new Date(head.date).toISOString(),
    tag,
    initiationType: 'tender',
    language: 'en',
  };
}

function reference(organisation: OcdsOrganisationRow): OcdsOrganizationReference {
  return { id: organisation.id, name: organisation.name };
}

function party(organisation: OcdsOrganisationRow, roles: string[]): OcdsParty {
  return {
    ...reference(organisation),
    // GB-COH: Companies House, from the org-id.guide register of identifier schemes.
    ...(organisation.companiesHouseNumber ? { identifier: { scheme: 'GB-COH', id: organisation.companiesHouseNumber } } : {}),
    roles,
  };
}

/**
 * Pence as a decimal amount of pounds. Integer pence are below 2^53, and IEEE division is correctly
 * rounded, so `pence / 100` is the double nearest the exact amount and prints as it (12345 → 123.45).
 */
function money(pence: string): OcdsValue {
  return { amount: Number(pence) / 100, currency: 'GBP' };
}

function awardIdOf(contract: OcdsContractRow): string {
  return `${contract.contractId}-award`;
}

// Calendar dates as instants: the contract runs from the start of its first day to the end of its last (UTC).
function contractPeriodOf(contract: OcdsContractRow): OcdsPeriod {
  return { startDate: `${contract.startDate}T00:00:00Z`, endDate: `${contract.endDate}T23:59:59Z` };
}

function reviewMilestoneHeader(contract: OcdsContractRow, period: number): Pick<OcdsMilestone, 'id' | 'title' | 'type'> {
  // `reporting`: an outcome review reports measured progress, on which the outcome payment depends.
  return { id: `review-period-${period}`, title: `Outcome review, period ${period} of ${contract.reviewPeriods}`, type: 'reporting' };
}

function milestoneStatusOf(weightedAttainment: string): OcdsMilestone['status'] {
  const attainment = Number(weightedAttainment);
  if (attainment >= 1) return 'met';
  if (attainment <= 0) return 'notMet';
  return 'partiallyMet';
}

/** CPV divisions 03–44 and 48 are supplies, 45 is works, the rest (50–98) services. */
function procurementCategoryOf(code: string): 'goods' | 'works' | 'services' {
  const division = Number(code.slice(0, 2));
  if (division === 45) return 'works';
  if (division < 45 || division === 48) return 'goods';
  return 'services';
}

function eligibilityCriteriaOf(tender: OcdsTenderRow): string | undefined {
  const parts = [
    tender.requiredCertifications.length > 0 ? `Required certifications: ${tender.requiredCertifications.join(', ')}.` : null,
    tender.regions.length > 0 ? `Regions to serve: ${tender.regions.join(', ')}.` : null,
    tender.essentialRequirements.length > 0 ? `Essential requirements: ${tender.essentialRequirements.join('; ')}.` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** A share written as a decimal (0.3) as a percentage (30), without binary noise (0.3 × 100 = 30.000000000000004). */
function percentOf(share: string): string {
  return String(Number((Number(share) * 100).toFixed(6)));
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
