import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { ConflictError, FieldError, NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { offsetOf, PaginationQueryDto } from 'src/common/pagination/pagination';
import { ContractRow, ContractsRepository } from 'src/contracts/contracts.repository';
import { findOutcomeTermProblems, totalOutcomePot } from 'src/contracts/domain/outcome-payment';
import { AwardDto, ContractPageResponse, ContractResponse } from 'src/contracts/dto/contract.dto';
import { toContractResponse } from 'src/contracts/dto/contract.mapper';
import { MatchesService } from 'src/matching/matches.service';
import { NeedsService } from 'src/needs/needs.service';

// Awarding a supplier that was not the top shortlisted one is a departure that must be explained.
const DEPARTURE_REASON_MIN = 20;

@Injectable()
export class ContractsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsRepository,
    private readonly needs: NeedsService,
    private readonly matches: MatchesService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Awards an owned open or closed need to a matched supplier: one contract per need, ever. */
  async award(principal: Principal, needId: string, input: AwardDto, now = new Date()): Promise<ContractResponse> {
    await this.needs.getOwned(principal, needId);
    this.assertTerms(input);
    const unknownIndicators = await this.contracts.unknownIndicatorIds(input.outcomes.flatMap((o) => (o.indicatorId ? [o.indicatorId] : [])));
    if (unknownIndicators.size > 0) {
      throw new ValidationFailedError(
        input.outcomes.flatMap((o, i) =>
          o.indicatorId && unknownIndicators.has(o.indicatorId) ? [{ field: `outcomes[${i}].indicatorId`, message: 'no such roadmap indicator' }] : [],
        ),
      );
    }
    const contractId = await this.dataSource
      .transaction(async (manager) => {
        const need = await this.needs.markAwarded(manager, principal, needId);
        const evidence = await this.matches.awardEvidence(manager, needId, input.supplierId);
        if (!evidence) {
          throw new ValidationFailedError([{ field: 'supplierId', message: 'this supplier has no match for the need' }]);
        }
        const departure =
          evidence.decision !== 'shortlisted' || (evidence.bestShortlistedRank !== null && evidence.bestShortlistedRank < evidence.rank);
        if (departure && input.reason.length < DEPARTURE_REASON_MIN) {
          throw new ValidationFailedError([
            {
              field: 'reason',
              message: `awarding a supplier that is not the top shortlisted one needs a reason of at least ${DEPARTURE_REASON_MIN} characters`,
            },
          ]);
        }
        const contract = await this.contracts.insertContract(manager, {
          needId,
          organisationId: need.organisationId,
          supplierId: input.supplierId,
          // The contracting process is the need: its tender and award releases share this ocid.
          ocid: `${this.config.ocidPrefix}-${needId}`,
          value: String(input.value),
          startDate: input.startDate,
          endDate: input.endDate,
          outcomePaymentShare: String(input.outcomePaymentShare),
          reviewPeriods: input.reviewPeriods,
          awardReason: input.reason,
          awardedBy: principal.userId,
          awardedAt: now,
          awardScore: String(evidence.score),
          awardRank: evidence.rank,
        });
        const outcomes = await this.contracts.insertOutcomes(
          manager,
          input.outcomes.map((o, position) => ({
            contractId: contract.id,
            position,
            name: o.name,
            unit: o.unit,
            baseline: String(o.baseline),
            target: String(o.target),
            direction: o.direction,
            weight: String(o.weight),
            indicatorId: o.indicatorId?.toLowerCase() ?? null,
          })),
        );
        await this.audit.record(manager, {
          actorId: principal.userId,
          action: 'contract.award',
          objectType: 'contract',
          objectId: contract.id,
          after: { contract, outcomes },
        });
        return contract.id;
      })
      .catch((error: unknown) => {
        // The unique need_id constraint is the last word when two awards race past the row lock.
        if ((error as { code?: string }).code === '23505') throw new ConflictError('CONTRACT.ALREADY_AWARDED', 'This need already has a contract.');
        throw error;
      });
    return this.get(principal, contractId);
  }

  async get(principal: Principal | null, id: string): Promise<ContractResponse> {
    const contract = await this.contracts.findById(id);
    if (!contract) throw new NotFoundError('CONTRACT.NOT_FOUND', 'No such contract.');
    const [response] = await this.present([contract], principal);
    return response;
  }

  async list(principal: Principal | null, query: PaginationQueryDto & { supplierId?: string; organisationId?: string; needId?: string }): Promise<ContractPageResponse> {
    const { rows, total } = await this.contracts.findPage({
      supplierId: query.supplierId,
      organisationId: query.organisationId,
      needId: query.needId,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    return { items: await this.present(rows, principal), page: query.page, pageSize: query.pageSize, total };
  }

  /** Loads what the responses show in three queries for the whole page, whatever its size. */
  private async present(rows: ContractRow[], principal: Principal | null): Promise<ContractResponse[]> {
    const ids = rows.map((row) => row.id);
    const [outcomes, reviews] = await Promise.all([this.contracts.outcomesOf(ids), this.contracts.reviewsOf(ids)]);
    const measurements = await this.contracts.measurementsOf(reviews.map((review) => review.id));
    return rows.map((row) => {
      const party = principal?.organisationId === row.organisationId || principal?.organisationId === row.supplierId;
      return toContractResponse({
        contract: row,
        outcomes: outcomes.filter((o) => o.contractId === row.id),
        reviews: reviews.filter((r) => r.contractId === row.id && (party || r.status === 'approved')),
        measurements,
        outcomePot: totalOutcomePot(BigInt(row.value), row.outcomePaymentShare),
        party,
      });
    });
  }

  private assertTerms(input: AwardDto): void {
    const errors: FieldError[] = [];
    if (input.endDate <= input.startDate) errors.push({ field: 'endDate', message: 'endDate must be after startDate' });
    const problems = findOutcomeTermProblems(
      input.outcomes.map((o, i) => ({ id: String(i), baseline: o.baseline, target: o.target, direction: o.direction, weight: o.weight })),
    );
    for (const problem of problems) {
      const field =
        problem.outcomeId === null
          ? 'outcomes'
          : problem.code === 'target_on_wrong_side'
            ? `outcomes[${problem.outcomeId}].target`
            : problem.code === 'negative_weight'
              ? `outcomes[${problem.outcomeId}].weight`
              : `outcomes[${problem.outcomeId}]`;
      errors.push({ field, message: problem.message });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }
}
