import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { ContractRow, ContractsRepository } from 'src/contracts/contracts.repository';
import { computeOutcomeReview, findMeasurementProblems, OutcomeReview } from 'src/contracts/domain/outcome-payment';
import { ReviewResponse, SubmitReviewDto } from 'src/contracts/dto/contract.dto';
import { toReviewResponse } from 'src/contracts/dto/contract.mapper';

@Injectable()
export class OutcomeReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsRepository,
    private readonly audit: AuditService,
  ) {}

  /** A reviewer of the buyer organisation submits one period's measurements; the service computes the payment. */
  async submit(principal: Principal, contractId: string, input: SubmitReviewDto, now = new Date()): Promise<ReviewResponse> {
    const contract = await this.ownedContract(principal, contractId);
    if (input.period > contract.reviewPeriods) {
      throw new ValidationFailedError([{ field: 'period', message: `this contract has ${contract.reviewPeriods} review periods` }]);
    }
    const outcomes = await this.contracts.outcomesOf([contractId]);
    const problems = findMeasurementProblems(outcomes, input.measurements);
    if (problems.length > 0) {
      throw new ValidationFailedError(problems.map((problem) => ({ field: 'measurements', message: problem.message })));
    }
    const reviewId = await this.dataSource
      .transaction(async (manager) => {
        await this.contracts.lock(manager, contractId);
        const existing = (await this.contracts.reviewsOf([contractId], manager)).filter((r) => r.period === input.period);
        if (existing.some((r) => r.status === 'approved')) {
          throw new ConflictError('REVIEW.PERIOD_APPROVED', `Period ${input.period} already has an approved review.`);
        }
        if (existing.some((r) => r.status === 'submitted')) {
          throw new ConflictError('REVIEW.PERIOD_PENDING', `Period ${input.period} already has a review awaiting approval.`);
        }
        const computed = await this.compute(manager, contract, outcomes, input.measurements, input.period);
        const review = await this.contracts.insertReview(
          manager,
          {
            contractId,
            period: input.period,
            status: 'submitted',
            submittedBy: principal.userId,
            submittedAt: now,
            weightedAttainment: computed.weightedAttainmentExact.toNumber().toString(),
            rating: computed.rating,
            pot: computed.pot.toString(),
            paymentDue: computed.paymentDue.toString(),
          },
          computed.attainments.map((a) => {
            const measurement = input.measurements.find((m) => m.outcomeId === a.outcomeId)!;
            return {
              outcomeId: a.outcomeId,
              value: String(measurement.value),
              evidence: measurement.evidence,
              attainmentExact: a.exact.toString(),
              attainment: String(a.attainment),
            };
          }),
        );
        await this.audit.record(manager, {
          actorId: principal.userId,
          action: 'review.submit',
          objectType: 'outcome-review',
          objectId: review.id,
          after: { contractId, period: input.period, measurements: input.measurements, paymentDue: computed.paymentDue.toString() },
        });
        return review.id;
      })
      .catch(mapUniqueViolation);
    return this.present(contractId, reviewId);
  }

  /** Another reviewer of the buyer organisation approves; the payment is re-checked against the cap. */
  async approve(principal: Principal, contractId: string, reviewId: string, reason: string | undefined, now = new Date()): Promise<ReviewResponse> {
    const contract = await this.ownedContract(principal, contractId);
    await this.dataSource
      .transaction(async (manager) => {
        await this.contracts.lock(manager, contractId);
        const review = await this.pendingReview(manager, principal, contractId, reviewId);
        const outcomes = await this.contracts.outcomesOf([contractId], manager);
        const measurements = await this.contracts.measurementsOf([reviewId], manager);
        // Other periods may have been approved since submission: the cap applies at approval.
        const computed = await this.compute(manager, contract, outcomes, measurements, review.period);
        await this.contracts.decideReview(manager, reviewId, {
          status: 'approved',
          decidedBy: principal.userId,
          decidedAt: now,
          reason: reason ?? null,
          paymentDue: computed.paymentDue,
        });
        await this.audit.record(manager, {
          actorId: principal.userId,
          action: 'review.approve',
          objectType: 'outcome-review',
          objectId: reviewId,
          before: { status: review.status, paymentDue: review.paymentDue },
          after: { status: 'approved', paymentDue: computed.paymentDue.toString(), reason: reason ?? null },
        });
      })
      .catch(mapUniqueViolation);
    return this.present(contractId, reviewId);
  }

  async reject(principal: Principal, contractId: string, reviewId: string, reason: string, now = new Date()): Promise<ReviewResponse> {
    await this.ownedContract(principal, contractId);
    await this.dataSource.transaction(async (manager) => {
      await this.contracts.lock(manager, contractId);
      const review = await this.pendingReview(manager, principal, contractId, reviewId);
      await this.contracts.decideReview(manager, reviewId, { status: 'rejected', decidedBy: principal.userId, decidedAt: now, reason });
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: 'review.reject',
        objectType: 'outcome-review',
        objectId: reviewId,
        before: { status: review.status },
        after: { status: 'rejected', reason },
      });
    });
    return this.present(contractId, reviewId);
  }

  private async ownedContract(principal: Principal, contractId: string): Promise<ContractRow> {
    const contract = await this.contracts.findById(contractId);
    if (!contract || contract.organisationId !== principal.organisationId) throw new NotFoundError('CONTRACT.NOT_FOUND', 'No such contract.');
    return contract;
  }

  // Order of the rules: another organisation's review was already 404; the submitter is 403; a
  // review that is no longer awaiting a decision is 409.
  private async pendingReview(manager: EntityManager, principal: Principal, contractId: string, reviewId: string) {
    const review = await this.contracts.findReview(manager, contractId, reviewId);
    if (!review) throw new NotFoundError('REVIEW.NOT_FOUND', 'No such review.');
    if (review.submittedBy === principal.userId) {
      throw new ForbiddenError('REVIEW.OWN_REVIEW', 'A review must be decided by a reviewer other than the one who submitted it.');
    }
    if (review.status !== 'submitted') throw new ConflictError('REVIEW.ALREADY_DECIDED', `This review is already ${review.status}.`);
    return review;
  }

  private async compute(
    manager: EntityManager,
    contract: ContractRow,
    outcomes: { id: string; baseline: string; target: string; direction: 'increase' | 'decrease'; weight: string }[],
    measurements: { outcomeId: string; value: number | string }[],
    period: number,
  ): Promise<OutcomeReview> {
    return computeOutcomeReview({
      value: BigInt(contract.value),
      outcomePaymentShare: contract.outcomePaymentShare,
      reviewPeriods: contract.reviewPeriods,
      outcomes,
      measurements,
      alreadyPaid: await this.contracts.approvedPaymentsExcept(manager, contract.id, period),
    });
  }

  private async present(contractId: string, reviewId: string): Promise<ReviewResponse> {
    const review = (await this.contracts.reviewsOf([contractId])).find((r) => r.id === reviewId)!;
    return toReviewResponse(review, await this.contracts.measurementsOf([reviewId]));
  }
}

function mapUniqueViolation(error: unknown): never {
  if ((error as { code?: string }).code === '23505') {
    throw new ConflictError('REVIEW.PERIOD_CONFLICT', 'Another review of this period was recorded at the same time.');
  }
  throw error;
}
