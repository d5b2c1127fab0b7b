import { ContractOutcomeEntity, OutcomeReviewEntity, ReviewMeasurementEntity } from 'src/contracts/contract.entity';
import type { ContractRow } from 'src/contracts/contracts.repository';
import { ContractResponse, OutcomeResponse, ReviewResponse } from 'src/contracts/dto/contract.dto';

export interface ContractView {
  contract: ContractRow;
  outcomes: ContractOutcomeEntity[];
  /** Already filtered to what the reader may see. */
  reviews: OutcomeReviewEntity[];
  measurements: ReviewMeasurementEntity[];
  /** floor(value × share), pence. */
  outcomePot: bigint;
  /** The buyer organisation or the supplier: they see award evidence and every review. */
  party: boolean;
}

export function toOutcomeResponse(outcome: ContractOutcomeEntity): OutcomeResponse {
  return {
    id: outcome.id,
    name: outcome.name,
    unit: outcome.unit,
    baseline: Number(outcome.baseline),
    target: Number(outcome.target),
    direction: outcome.direction,
    weight: Number(outcome.weight),
    indicatorId: outcome.indicatorId,
  };
}

export function toReviewResponse(review: OutcomeReviewEntity, measurements: ReviewMeasurementEntity[]): ReviewResponse {
  return {
    id: review.id,
    period: review.period,
    status: review.status,
    attainments: measurements.filter((m) => m.reviewId === review.id).map((m) => ({ outcomeId: m.outcomeId, attainment: Number(m.attainment) })),
    weightedAttainment: Number(review.weightedAttainment),
    rating: review.rating,
    paymentDue: Number(review.paymentDue),
    submittedAt: new Date(review.submittedAt).toISOString(),
    decidedAt: review.decidedAt ? new Date(review.decidedAt).toISOString() : null,
  };
}

export function toContractResponse(view: ContractView): ContractResponse {
  const { contract, outcomes, reviews, measurements } = view;
  const approved = reviews.filter((review) => review.status === 'approved');
  const paid = approved.reduce((sum, review) => sum + BigInt(review.paymentDue), 0n);
  const approvedIds = new Set(approved.map((review) => review.id));
  const periodOf = new Map(approved.map((review) => [review.id, review.period]));
  const response: ContractResponse = {
    id: contract.id,
    needId: contract.needId,
    needTitle: contract.needTitle,
    buyerOrganisationId: contract.organisationId,
    supplierId: contract.supplierId,
    supplierName: contract.supplierName,
    ocid: contract.ocid,
    value: Number(contract.value),
    currency: 'GBP',
    startDate: contract.startDate,
    endDate: contract.endDate,
    outcomePaymentShare: Number(contract.outcomePaymentShare),
    reviewPeriods: contract.reviewPeriods,
    status: contract.status,
    awardedAt: new Date(contract.awardedAt).toISOString(),
    outcomes: outcomes.map(toOutcomeResponse),
    paidToDate: Number(paid),
    remainingOutcomePot: Number(view.outcomePot - paid),
    reviews: reviews.map((review) => toReviewResponse(review, measurements)),
    performance: outcomes.map((outcome) => ({
      outcomeId: outcome.id,
      name: outcome.name,
      series: measurements
        .filter((m) => m.outcomeId === outcome.id && approvedIds.has(m.reviewId))
        .map((m) => ({ period: periodOf.get(m.reviewId) ?? 0, value: Number(m.value), attainment: Number(m.attainment) }))
        .sort((a, b) => a.period - b.period),
    })),
  };
  if (view.party) {
    response.awardReason = contract.awardReason;
    response.awardScore = Number(contract.awardScore);
    response.awardRank = contract.awardRank;
    response.awardedBy = contract.awardedBy;
  }
  return response;
}
