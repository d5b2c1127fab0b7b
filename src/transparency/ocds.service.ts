import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailedError } from 'src/common/errors/domain-error';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import {
  decodeReleaseCursor,
  encodeReleaseCursor,
  OcdsRelease,
  OcdsReleasePackageResponse,
  OcdsReleasesQueryDto,
  toAwardRelease,
  toImplementationRelease,
  toReleasePackage,
  toTenderRelease,
} from 'src/transparency/dto/ocds-release.mapper';
import { OcdsRepository, ReleaseHeadRow } from 'src/transparency/ocds.repository';

export const OCDS_PUBLISHER_NAME = 'Procurement Match';

/** The public transparency register: published needs, awards, contracts and approved outcome payments as OCDS 1.1. */
@Injectable()
export class OcdsService {
  constructor(
    private readonly ocds: OcdsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One page of the release feed, oldest first. `pageUrl` is the absolute URL of the endpoint (no
   * query), from which the package's own `uri` and `links.next` are built.
   */
  async releasePackage(query: OcdsReleasesQueryDto, pageUrl: string, now = new Date()): Promise<OcdsReleasePackageResponse> {
    const after = query.cursor === undefined ? null : decodeReleaseCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw new ValidationFailedError([{ field: 'cursor', message: 'cursor is not one this service gave out: copy it from links.next' }]);
    }
    // One more than the page, to know whether there is a next one without counting.
    const heads = await this.ocds.findReleaseHeads(this.config.ocidPrefix, after, query.limit + 1);
    const page = heads.slice(0, query.limit);
    const last = page.at(-1);
    const next = heads.length > query.limit && last ? pageLink(pageUrl, query.limit, encodeReleaseCursor(last)) : null;
    return toReleasePackage({
      uri: pageLink(pageUrl, query.limit, query.cursor),
      publisherName: OCDS_PUBLISHER_NAME,
      releases: await this.releasesOf(page),
      next,
      now,
    });
  }

  /** The releases of a page in three queries, whatever its size. */
  private async releasesOf(heads: ReleaseHeadRow[]): Promise<OcdsRelease[]> {
    const tenderNeedIds = unique(heads.filter((head) => head.kind === 'tender').map((head) => head.needId));
    const contractNeedIds = unique(heads.filter((head) => head.kind !== 'tender').map((head) => head.needId));
    const reviewIds = heads.flatMap((head) => (head.reviewId ? [head.reviewId] : []));
    const [tenders, contracts, reviews] = await Promise.all([
      this.ocds.findTenders(tenderNeedIds),
      this.ocds.findContracts(contractNeedIds),
      this.ocds.findApprovedReviews(reviewIds),
    ]);
    const tenderOf = new Map(tenders.map((tender) => [tender.needId, tender]));
    const contractOf = new Map(contracts.map((contract) => [contract.needId, contract]));
    const reviewOf = new Map(reviews.map((review) => [review.reviewId, review]));
    // A row that changed between the head query and these (a need cancelled, say) is left for the next read.
    return heads.flatMap((head): OcdsRelease[] => {
      if (head.kind === 'tender') {
        const tender = tenderOf.get(head.needId);
        return tender ? [toTenderRelease(head, tender)] : [];
      }
      const contract = contractOf.get(head.needId);
      if (!contract) return [];
      if (head.kind === 'award') return [toAwardRelease(head, contract)];
      const review = head.reviewId ? reviewOf.get(head.reviewId) : undefined;
      return review ? [toImplementationRelease(head, contract, review)] : [];
    });
  }
}

function pageLink(pageUrl: string, limit: number, cursor: string | undefined): string {
  const url = new URL(pageUrl);
  url.search = '';
  url.searchParams.set('limit', String(limit));
  if (cursor !== undefined) url.searchParams.set('cursor', cursor);
  return url.toString();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
