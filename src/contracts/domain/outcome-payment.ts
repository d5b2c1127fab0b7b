import { DecimalInput, Fraction } from 'src/contracts/domain/exact-fraction';

// The outcome payment rule of DESIGN.md section 3: every quantity is read as the decimal written, kept
// as an exact fraction, and rounded once, at the final floor.

export type OutcomeDirection = 'increase' | 'decrease';

/** Procurement Act 2023 KPI scale, best first. */
export type OutcomeRating = 'good' | 'approaching_target' | 'requires_improvement' | 'inadequate';

export interface OutcomeTerms {
  readonly id: string;
  readonly baseline: DecimalInput;
  readonly target: DecimalInput;
  readonly direction: OutcomeDirection;
  /** Share of the period's pot, 0–1; the weights of a contract sum to 1. */
  readonly weight: DecimalInput;
}

export interface OutcomeMeasurement {
  readonly outcomeId: string;
  readonly value: DecimalInput;
}

export interface OutcomeReviewInput {
  /** Contract value in pence. */
  readonly value: bigint;
  /** Fraction of the value paid on outcomes, 0–1. */
  readonly outcomePaymentShare: DecimalInput;
  /** Number of review periods, an integer ≥ 1. */
  readonly reviewPeriods: number;
  readonly outcomes: readonly OutcomeTerms[];
  readonly measurements: readonly OutcomeMeasurement[];
  /** Pence already approved for the contract's other periods. */
  readonly alreadyPaid: bigint;
}

export interface OutcomeAttainment {
  readonly outcomeId: string;
  /** 0–1, rounded to a double for display; `exact` is the value the payment used. */
  readonly attainment: number;
  readonly exact: Fraction;
}

export interface OutcomeReview {
  readonly attainments: readonly OutcomeAttainment[];
  /** 0–1, rounded to a double for display; `weightedAttainmentExact` is the value the payment used. */
  readonly weightedAttainment: number;
  readonly weightedAttainmentExact: Fraction;
  readonly rating: OutcomeRating;
  /** The period's outcome pot in pence. */
  readonly pot: bigint;
  /** Pence due for this period, after the cap on the contract's whole outcome share. */
  readonly paymentDue: bigint;
}

export type OutcomeProblemCode =
  | 'no_outcomes'
  | 'duplicate_outcome'
  | 'invalid_decimal'
  | 'invalid_direction'
  | 'negative_weight'
  | 'weights_do_not_sum_to_one'
  | 'target_on_wrong_side'
  | 'measurement_missing'
  | 'measurement_duplicated'
  | 'measurement_for_unknown_outcome'
  | 'invalid_measurement';

export interface OutcomeProblem {
  /** The outcome concerned, or null for a problem of the whole set. */
  readonly outcomeId: string | null;
  readonly code: OutcomeProblemCode;
  readonly message: string;
}

// Thrown for inputs the service should have refused; carries every problem, not just the first.
export class OutcomeReviewInputError extends RangeError {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid outcome review input: ${problems.join('; ')}`);
    this.name = 'OutcomeReviewInputError';
  }
}

// The issue allows weights entered as decimals (three thirds as 0.3333333333) to miss 1 by this much.
const WEIGHT_SUM_TOLERANCE = Fraction.of(1n, 10n ** 9n);

const APPROACHING_TARGET_FROM = Fraction.of(4n, 5n);
const REQUIRES_IMPROVEMENT_FROM = Fraction.of(1n, 2n);

/** Whether the weights sum to 1 within ±1e-9, summed exactly; false if any is not a finite decimal. */
export function weightsSumToOne(weights: readonly DecimalInput[]): boolean {
  const parsed = weights.map((weight) => Fraction.tryParse(weight));
  if (parsed.some((weight) => weight === null)) {
    return false;
  }
  const total = Fraction.sum(parsed as Fraction[]);
  return total.minus(Fraction.ONE).abs().compare(WEIGHT_SUM_TOLERANCE) <= 0;
}

/**
 * Problems with a contract's outcome terms, in outcome order: duplicate ids, unreadable decimals,
 * negative weights, weights not summing to 1, and targets on the wrong side of the baseline.
 */
export function findOutcomeTermProblems(outcomes: readonly OutcomeTerms[]): OutcomeProblem[] {
  const problems: OutcomeProblem[] = [];
  if (outcomes.length === 0) {
    problems.push({
      outcomeId: null,
      code: 'no_outcomes',
      message: 'A contract needs at least one outcome',
    });
  }
  const seen = new Set<string>();
  for (const outcome of outcomes) {
    const { id } = outcome;
    if (seen.has(id)) {
      problems.push({
        outcomeId: id,
        code: 'duplicate_outcome',
        message: `Outcome ${id} is listed more than once`,
      });
    }
    seen.add(id);
    if (!isDirection(outcome.direction)) {
      problems.push({
        outcomeId: id,
        code: 'invalid_direction',
        message: `Outcome ${id} has direction "${String(outcome.direction)}"; expected increase or decrease`,
      });
    }
    const parsed: Partial<Record<'baseline' | 'target' | 'weight', Fraction>> = {};
    for (const field of ['baseline', 'target', 'weight'] as const) {
      const value = Fraction.tryParse(outcome[field]);
      if (value === null) {
        problems.push({
          outcomeId: id,
          code: 'invalid_decimal',
          message: `Outcome ${id} has ${field} ${String(outcome[field])}, which is not a finite decimal`,
        });
      } else {
        parsed[field] = value;
      }
    }
    if (parsed.weight?.isNegative()) {
      problems.push({
        outcomeId: id,
        code: 'negative_weight',
        message: `Outcome ${id} has a negative weight`,
      });
    }
    if (
      isDirection(outcome.direction) &&
      parsed.baseline !== undefined &&
      parsed.target !== undefined &&
      targetOnWrongSide(outcome.direction, parsed.baseline, parsed.target)
    ) {
      problems.push({
        outcomeId: id,
        code: 'target_on_wrong_side',
        message: `Outcome ${id} must have its target ${
          outcome.direction === 'increase' ? 'at or above' : 'at or below'
        } its baseline to ${outcome.direction}`,
      });
    }
  }
  if (outcomes.length > 0 && !weightsSumToOne(outcomes.map((outcome) => outcome.weight))) {
    problems.push({
      outcomeId: null,
      code: 'weights_do_not_sum_to_one',
      message: 'Outcome weights must sum to 1 (within 1e-9)',
    });
  }
  return problems;
}

/**
 * Problems with a review's measurements: each outcome needs exactly one measurement with a finite
 * decimal value, and no measurement may name an outcome the contract does not have.
 */
export function findMeasurementProblems(
  outcomes: readonly Pick<OutcomeTerms, 'id'>[],
  measurements: readonly OutcomeMeasurement[],
): OutcomeProblem[] {
  const problems: OutcomeProblem[] = [];
  const outcomeIds = new Set(outcomes.map((outcome) => outcome.id));
  const countById = new Map<string, number>();
  for (const measurement of measurements) {
    countById.set(measurement.outcomeId, (countById.get(measurement.outcomeId) ?? 0) + 1);
  }
  for (const id of outcomeIds) {
    const count = countById.get(id) ?? 0;
    if (count === 0) {
      problems.push({
        outcomeId: id,
        code: 'measurement_missing',
        message: `Outcome ${id} has no measurement`,
      });
    } else if (count > 1) {
      problems.push({
        outcomeId: id,
        code: 'measurement_duplicated',
        message: `Outcome ${id} has ${count} measurements; expected exactly one`,
      });
    }
  }
  const reportedUnknown = new Set<string>();
  for (const measurement of measurements) {
    const id = measurement.outcomeId;
    if (!outcomeIds.has(id) && !reportedUnknown.has(id)) {
      reportedUnknown.add(id);
      problems.push({
        outcomeId: id,
        code: 'measurement_for_unknown_outcome',
        message: `Measurement names outcome ${id}, which the contract does not have`,
      });
    }
    if (Fraction.tryParse(measurement.value) === null) {
      problems.push({
        outcomeId: id,
        code: 'invalid_measurement',
        message: `Measurement of outcome ${id} is not a finite decimal: ${String(measurement.value)}`,
      });
    }
  }
  return problems;
}

/** The contract's whole outcome share in pence: floor(value × share), the cap on all payments. */
export function totalOutcomePot(value: bigint, outcomePaymentShare: DecimalInput): bigint {
  return Fraction.fromInteger(value).times(Fraction.parse(outcomePaymentShare)).floor();
}

/** One period's outcome pot in pence: floor(value × share / reviewPeriods). */
export function outcomePotPerPeriod(
  value: bigint,
  outcomePaymentShare: DecimalInput,
  reviewPeriods: number,
): bigint {
  return Fraction.fromInteger(value)
    .times(Fraction.parse(outcomePaymentShare))
    .dividedBy(Fraction.fromInteger(reviewPeriods))
    .floor();
}

/**
 * Attainment of one outcome, exact and clamped to 0–1.
 * A target equal to its baseline makes the ratio 0/0. Such an outcome says "hold this level", so it is
 * all or nothing: 1 when the measurement meets or beats the target in the outcome's direction, else 0.
 * That is also where the ratio tends as the target closes on the baseline, for a measurement past it.
 */
export function computeAttainment(
  outcome: Pick<OutcomeTerms, 'baseline' | 'target' | 'direction'>,
  measured: DecimalInput,
): Fraction {
  const baseline = Fraction.parse(outcome.baseline);
  const target = Fraction.parse(outcome.target);
  const value = Fraction.parse(measured);
  if (!isDirection(outcome.direction)) {
    throw new RangeError(`Unknown outcome direction "${String(outcome.direction)}"`);
  }
  if (targetOnWrongSide(outcome.direction, baseline, target)) {
    throw new RangeError(
      `Target ${target.toString()} is on the wrong side of baseline ${baseline.toString()} to ${outcome.direction}`,
    );
  }
  // Progress and range are both measured in the outcome's direction, so both read as "better by".
  const sign = outcome.direction === 'increase' ? Fraction.ONE : Fraction.ONE.negate();
  const progress = value.minus(baseline).times(sign);
  const range = target.minus(baseline).times(sign);
  if (range.isZero()) {
    return value.minus(target).times(sign).isNegative() ? Fraction.ZERO : Fraction.ONE;
  }
  return progress.dividedBy(range).clamp(Fraction.ZERO, Fraction.ONE);
}

/** Rating of a weighted attainment, compared exactly: 0.8 is approaching_target, 0.7999999 is not. */
export function rateAttainment(weightedAttainment: Fraction): OutcomeRating {
  if (weightedAttainment.compare(Fraction.ONE) >= 0) {
    return 'good';
  }
  if (weightedAttainment.compare(APPROACHING_TARGET_FROM) >= 0) {
    return 'approaching_target';
  }
  if (weightedAttainment.compare(REQUIRES_IMPROVEMENT_FROM) >= 0) {
    return 'requires_improvement';
  }
  return 'inadequate';
}

/** Attainments, rating and payment due (pence) of one period's review; throws OutcomeReviewInputError. */
export function computeOutcomeReview(input: OutcomeReviewInput): OutcomeReview {
  const problems = findReviewInputProblems(input);
  if (problems.length > 0) {
    throw new OutcomeReviewInputError(problems);
  }

  const measuredById = new Map(input.measurements.map((m) => [m.outcomeId, m.value]));
  const attainments = input.outcomes.map((outcome): OutcomeAttainment => {
    // Presence is guaranteed by the coverage check above.
    const exact = computeAttainment(outcome, measuredById.get(outcome.id) as DecimalInput);
    return { outcomeId: outcome.id, attainment: exact.toNumber(), exact };
  });

  const weights = input.outcomes.map((outcome) => Fraction.parse(outcome.weight));
  const weightTotal = Fraction.sum(weights);
  // Dividing by the weights' exact total is a no-op when they sum to 1, as DESIGN.md assumes. When they
  // only sum to 1 within the allowed 1e-9, it keeps full attainment at exactly 1: rated good, paying the
  // whole pot, never a penny more.
  const weightedSum = Fraction.sum(weights.map((weight, i) => weight.times(attainments[i].exact)));
  const weighted = weightedSum.dividedBy(weightTotal);

  const pot = outcomePotPerPeriod(input.value, input.outcomePaymentShare, input.reviewPeriods);
  // The single rounding of the whole calculation.
  const uncapped = Fraction.fromInteger(pot).times(weighted).floor();
  const remaining = totalOutcomePot(input.value, input.outcomePaymentShare) - input.alreadyPaid;
  const paymentDue = remaining <= 0n ? 0n : uncapped < remaining ? uncapped : remaining;

  return {
    attainments,
    weightedAttainment: weighted.toNumber(),
    weightedAttainmentExact: weighted,
    rating: rateAttainment(weighted),
    pot,
    paymentDue,
  };
}

function findReviewInputProblems(input: OutcomeReviewInput): string[] {
  const problems: string[] = [];
  if (input.value < 0n) {
    problems.push('Contract value must not be negative');
  }
  if (input.alreadyPaid < 0n) {
    problems.push('Amount already paid must not be negative');
  }
  const share = Fraction.tryParse(input.outcomePaymentShare);
  if (share === null || share.isNegative() || share.compare(Fraction.ONE) > 0) {
    problems.push(`Outcome payment share ${String(input.outcomePaymentShare)} must be a decimal from 0 to 1`);
  }
  if (!Number.isSafeInteger(input.reviewPeriods) || input.reviewPeriods < 1) {
    problems.push(`Review periods ${String(input.reviewPeriods)} must be a whole number of at least 1`);
  }
  const outcomeProblems = [
    ...findOutcomeTermProblems(input.outcomes),
    ...findMeasurementProblems(input.outcomes, input.measurements),
  ];
  return [...problems, ...outcomeProblems.map((problem) => problem.message)];
}

// Directions arrive from JSON and the database, so the type alone does not guarantee them.
function isDirection(direction: string): direction is OutcomeDirection {
  return direction === 'increase' || direction === 'decrease';
}

function targetOnWrongSide(direction: OutcomeDirection, baseline: Fraction, target: Fraction): boolean {
  const comparison = target.compare(baseline);
  return direction === 'increase' ? comparison < 0 : comparison > 0;
}
