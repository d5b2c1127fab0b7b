import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import { ReadCache } from 'src/database/read-cache';
import type { Principal } from 'src/auth/roles';
import { NotFoundError } from 'src/common/errors/domain-error';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { offsetOf, PaginationQueryDto } from 'src/common/pagination/pagination';
import { DecideMatchDto, MatchItemResponse, OpportunityPageResponse, toMatchItemResponse, toOpportunityResponse } from 'src/matching/dto/match.dto';
import { MatchesRepository } from 'src/matching/matches.repository';
import { NeedsService } from 'src/needs/needs.service';
import { JobsService } from 'src/queue/jobs.service';

@Injectable()
export class MatchesService {
  private readonly logger = new Logger(MatchesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly matches: MatchesRepository,
    private readonly needs: NeedsService,
    private readonly audit: AuditService,
    private readonly cache: ReadCache,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    const need = await this.needs.getOwned(principal, needId);
    let firstDecision = false;
    const response = await this.dataSource.transaction(async (manager) => {
      // In turn with the workers writing this need: a row they are about to trim is either
      // decided first (and kept) or gone before it is read here (404).
      await this.matches.lockNeed(manager, needId);
      const before = await this.matches.findOne(needId, supplierId, manager);
      if (!before) throw new NotFoundError('MATCH.NOT_FOUND', 'This supplier is not among the need\'s matches.');
      firstDecision = before.decision === null;
      const decidedAt = new Date();
      await this.matches.setDecision(
        manager,
        needId,
        supplierId,
        { decision: input.decision, reason: input.reason, decidedBy: principal.userId, decidedAt },
        this.config.matchesPerNeed,
      );
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
    // A first decision takes the row out of the need's kept count: its next-best supplier takes the
    // place when the need is re-ranked. If Redis is away, the periodic re-scoring does it later.
    if (firstDecision && need.status === 'open') {
      try {
        await this.jobs.enqueue('need.rerank', { needId, requestedAt: new Date().toISOString() });
      } catch (error) {
        this.logger.warn(`need ${needId} not re-ranked now (the periodic re-scoring will): ${(error as Error).message}`);
      }
    }
    return response;
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
