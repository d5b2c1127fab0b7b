import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { NotFoundError } from 'src/common/errors/domain-error';
import { offsetOf, PaginationQueryDto } from 'src/common/pagination/pagination';
import { DecideMatchDto, MatchItemResponse, MatchPageResponse, OpportunityPageResponse, toMatchItemResponse, toOpportunityResponse } from 'src/matching/dto/match.dto';
import { MatchesRepository } from 'src/matching/matches.repository';
import { NeedsService } from 'src/needs/needs.service';

@Injectable()
export class MatchesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly matches: MatchesRepository,
    private readonly needs: NeedsService,
    private readonly audit: AuditService,
  ) {}

  /** A need's ranked matches, for its own organisation (404 for anyone else's need). */
  async list(principal: Principal, needId: string, query: PaginationQueryDto): Promise<MatchPageResponse> {
    const offset = offsetOf(query);
    const { need, state, rows, total } = await this.matches.findListing(needId, offset, query.pageSize);
    if (!need || need.organisationId !== principal.organisationId) throw new NotFoundError('NEED.NOT_FOUND', 'No such need.');
    // An open need is complete once its current version is scored; a closed or awarded one keeps
    // the ranking it had, and a draft has none yet.
    const complete = state !== null && (need.status !== 'open' || state.scoredVersion >= need.version);
    return {
      status: complete ? 'complete' : 'pending',
      scoredAt: state ? new Date(state.scoredAt).toISOString() : null,
      page: query.page,
      pageSize: query.pageSize,
      total,
      items: rows.map((row, i) =>
        toMatchItemResponse({ ...row, computedAt: new Date(row.computedAt), decidedAt: row.decidedAt ? new Date(row.decidedAt) : null }, offset + i + 1),
      ),
    };
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
