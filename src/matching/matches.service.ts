import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { ReadCache } from 'src/database/read-cache';
import type { Principal } from 'src/auth/roles';
import { NotFoundError } from 'src/common/errors/domain-error';
import { offsetOf, PaginationQueryDto } from 'src/common/pagination/pagination';
import { DecideMatchDto, MatchItemResponse, OpportunityPageResponse, toMatchItemResponse, toOpportunityResponse } from 'src/matching/dto/match.dto';
import { MatchesRepository } from 'src/matching/matches.repository';
import { NeedsService } from 'src/needs/needs.service';

@Injectable()
export class MatchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly matches: MatchesRepository,
    private readonly needs: NeedsService,
    private readonly audit: AuditService,
    private readonly cache: ReadCache,
  ) {}

  /**
   * A need's ranked matches, for its own organisation (404 for anyone else's need): the JSON of a
   * MatchPageResponse, from the read cache when no change has made it stale.
   */
  async list(principal: Principal, needId: string, query: PaginationQueryDto): Promise<Buffer> {
    const listing = await this.cache.body(`matches:${needId}:${query.page}:${query.pageSize}`, [`matches:${needId}`], async () => {
      const found = await this.matches.findListingBody(needId, query.page, query.pageSize);
      return found && { body: Buffer.from(found.body), ownerOrganisationId: found.organisationId };
    });
    if (!listing || listing.ownerOrganisationId !== principal.organisationId) throw new NotFoundError('NEED.NOT_FOUND', 'No such need.');
    return listing.body;
  }

  /** Records the buyer's shortlist or reject decision on a suggested match. */
  async decide(principal: Principal, needId: string, supplierId: string, input: DecideMatchDto): Promise<MatchItemResponse> {
    await this.needs.getOwned(principal, needId);
    return this.dataSource.transaction(async (manager) => {
      const before = await this.matches.findOne(needId, supplierId, manager);
      if (!before) throw new NotFoundError('MATCH.NOT_FOUND', 'This supplier is not among the need\'s matches.');
      const decidedAt = new Date();
      await this.matches.setDecision(manager, needId, supplierId, {
        decision: input.decision,
        reason: input.reason,
        decidedBy: principal.userId,
        decidedAt,
      });
      const after = (await this.matches.findOne(needId, supplierId, manager))!;
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: 'match.decide',
        objectType: 'match',
        objectId: `${needId}/${supplierId}`,
        before: { decision: before.decision, reason: before.decisionReason, score: before.score },
        after: { decision: after.decision, reason: after.decisionReason, score: after.score },
      });
      return toMatchItemResponse(after, (await this.matches.rankOf(needId, supplierId, manager)) ?? 0);
    });
  }

  /** The evidence an award freezes (score, rank) and checks (shortlisting); null without a match. */
  awardEvidence(manager: EntityManager, needId: string, supplierId: string) {
    return this.matches.awardEvidence(manager, needId, supplierId);
  }

  async opportunities(principal: Principal, query: PaginationQueryDto): Promise<OpportunityPageResponse> {
    if (!principal.organisationId) throw new NotFoundError('SUPPLIER.NOT_FOUND', 'No supplier for this account.');
    const { rows, total } = await this.matches.findOpportunities(principal.organisationId, offsetOf(query), query.pageSize);
    return { items: rows.map(toOpportunityResponse), page: query.page, pageSize: query.pageSize, total };
  }
}
