import { DecimalInput, Fraction } from 'src/contracts/domain/exact-fraction';
import {
  computeAttainment,
  computeOutcomeReview,
  findMeasurementProblems,
  findOutcomeTermProblems,
  OutcomeDirection,
  OutcomeMeasurement,
  OutcomeRating,
  OutcomeReviewInput,
  OutcomeReviewInputError,
  OutcomeTerms,
  outcomePotPerPeriod,
  rateAttainment,
  totalOutcomePot,
  weightsSumToOne,
} from 'src/contracts/domain/outcome-payment';

// One outcome of a review under test: its terms and the value measured this period.
interface Scenario {
  direction: OutcomeDirection;
  baseline: DecimalInput;
  target: DecimalInput;
  weight: DecimalInput;
  measured: DecimalInput;
}

function reviewInput(
  scenarios: readonly Scenario[],
  contract: Partial<Omit<OutcomeReviewInput, 'outcomes' | 'measurements'>> = {},
): OutcomeReviewInput {
  const outcomes: OutcomeTerms[] = scenarios.map((scenario, i) => ({
    id: `outcome-${i + 1}`,
    baseline: scenario.baseline,
    target: scenario.target,
    direction: scenario.direction,
    weight: scenario.weight,
  }));
  const measurements: OutcomeMeasurement[] = scenarios.map((scenario, i) => ({
    outcomeId: `outcome-${i + 1}`,
    value: scenario.measured,
  }));
  return {
    value: 1_000_000n,
    outcomePaymentShare: 1,
    reviewPeriods: 1,
    alreadyPaid: 0n,
    ...contract,
    outcomes,
    measurements,
  };
}

// A contract whose single period pot is exactly `pot` pence.
function potOf(pot: bigint): Partial<OutcomeReviewInput> {
  return { value: pot, outcomePaymentShare: 1, reviewPeriods: 1 };
}

function increase(
  weight: DecimalInput,
  baseline: DecimalInput,
  target: DecimalInput,
  measured: DecimalInput,
): Scenario {
  return { direction: 'increase', baseline, target, weight, measured };
}

function decrease(
  weight: DecimalInput,
  baseline: DecimalInput,
  target: DecimalInput,
  measured: DecimalInput,
): Scenario {
  return { direction: 'decrease', baseline, target, weight, measured };
}

// Attainments 0.7, 0.4 and 0.8 with weights 0.5/0.25/0.25: the first DESIGN.md example.
const designExampleOne = [increase(0.5, 0, 10, 7), decrease(0.25, 50, 0, 30), increase(0.25, 0.2, 0.7, 0.6)];
// Attainments 0 (under-achieved), 14/15 and 0.2 with weights 0.5/0.3/0.2: the second.
const designExampleTwo = [increase(0.5, 10, 20, 8), increase(0.3, 0, 15, 14), decrease(0.2, 100, 50, 90)];

describe('computeAttainment', () => {
  it.each<[string, Scenario, string]>([
    ['part-way to an increase target', increase(1, 0, 10, 7), '7/10'],
    ['exactly at an increase target', increase(1, 0, 10, 10), '1'],
    ['beyond an increase target, clamped to 1', increase(1, 0, 10, 12), '1'],
    ['still at the baseline', increase(1, 0, 10, 0), '0'],
    ['below the baseline of an increase, clamped to 0', increase(1, 0, 10, -3), '0'],
    ['part-way to a decrease target', decrease(1, 40, 20, 25), '3/4'],
    ['exactly at a decrease target', decrease(1, 40, 20, 20), '1'],
    ['beyond a decrease target, clamped to 1', decrease(1, 40, 20, 10), '1'],
    ['above the baseline of a decrease, clamped to 0', decrease(1, 40, 20, 45), '0'],
    ['across zero', increase(1, -5, 5, 0), '1/2'],
    ['of decimals that binary floating point cannot hold', increase(1, 0.1, 0.4, 0.3), '2/3'],
    ['of a decrease written to four places', decrease(1, 93.3333, 90, 91.6666), '16667/33333'],
    ['of a thirds-style fraction', increase(1, 0, 15, 14), '14/15'],
    ['of decimal strings', decrease(1, '12.50', '2.5', '7.5'), '1/2'],
    ['of a tiny step in exponent notation', increase(1, 0, 1e-6, 1e-7), '1/10'],
  ])('measures attainment %s', (_label, scenario, expected) => {
    expect(computeAttainment(scenario, scenario.measured).toString()).toBe(expected);
  });

  // A target equal to the baseline means "hold this level": met or beaten pays in full, else nothing.
  it.each<[string, Scenario, string]>([
    ['an increase met exactly', increase(1, 99.9, 99.9, 99.9), '1'],
    ['an increase beaten', increase(1, 99.9, 99.9, 100), '1'],
    ['an increase missed', increase(1, 99.9, 99.9, 99.8), '0'],
    ['a decrease met exactly', decrease(1, 5, 5, 5), '1'],
    ['a decrease beaten', decrease(1, 5, 5, 4), '1'],
    ['a decrease missed', decrease(1, 5, 5, 5.0001), '0'],
  ])('treats a target equal to its baseline as all or nothing: %s', (_label, scenario, expected) => {
    expect(computeAttainment(scenario, scenario.measured).toString()).toBe(expected);
  });

  it.each<[string, Scenario]>([
    ['an increase whose target is below its baseline', increase(1, 10, 5, 7)],
    ['a decrease whose target is above its baseline', decrease(1, 5, 10, 7)],
  ])('refuses %s', (_label, scenario) => {
    expect(() => computeAttainment(scenario, scenario.measured)).toThrow(RangeError);
  });

  it('refuses a measurement that is not a finite decimal', () => {
    expect(() => computeAttainment(increase(1, 0, 10, 0), NaN)).toThrow(RangeError);
  });

  it('refuses an unknown direction', () => {
    const outcome = { baseline: 0, target: 10, direction: 'sideways' as string as OutcomeDirection };
    expect(() => computeAttainment(outcome, 5)).toThrow(RangeError);
  });
});

describe('rateAttainment', () => {
  it.each<[string, OutcomeRating]>([
    ['1', 'good'],
    ['0.9999999', 'approaching_target'],
    ['0.8', 'approaching_target'],
    ['0.7999999', 'requires_improvement'],
    ['4/5', 'approaching_target'],
    ['0.5', 'requires_improvement'],
    ['0.4999999', 'inadequate'],
    ['0', 'inadequate'],
  ])('rates a weighted attainment of %s as %s', (text, rating) => {
    const [numerator, denominator] = text.split('/');
    const weighted =
      denominator === undefined ? Fraction.parse(numerator) : Fraction.of(BigInt(numerator), BigInt(denominator));
    expect(rateAttainment(weighted)).toBe(rating);
  });
});

describe('outcome pots', () => {
  it.each<[bigint, DecimalInput, number, bigint]>([
    [10_000_000n, 0.3, 4, 750_000n],
    [4_000_000n, 0.2, 1, 800_000n],
    [1_000_000n, 0.5, 3, 166_666n],
    // Binary floating point gives 100 × 0.57 = 56.99999999999999, a penny short.
    [100n, 0.57, 1, 57n],
    [999n, '0', 2, 0n],
    [999n, '1', 2, 499n],
    [10n ** 15n, 0.57, 3, 190_000_000_000_000n],
    [10n ** 24n + 7n, '0.1', 1, 10n ** 23n],
  ])('pays value %p × share %p over %p periods as a pot of %p per period', (value, share, periods, pot) => {
    expect(outcomePotPerPeriod(value, share, periods)).toBe(pot);
  });

  it('caps the whole contract at floor(value × share)', () => {
    expect(totalOutcomePot(1_000_001n, 0.5)).toBe(500_000n);
    expect(totalOutcomePot(100n, 0.57)).toBe(57n);
  });

  it('takes the penny-losing case from real floating-point behaviour', () => {
    expect(Math.floor(100 * 0.57)).toBe(56);
  });
});

describe('computeOutcomeReview', () => {
  describe('the DESIGN.md examples', () => {
    it('pays 520,000 on a pot of 800,000 for attainments 0.7/0.4/0.8 weighted 0.5/0.25/0.25', () => {
      const review = computeOutcomeReview(
        reviewInput(designExampleOne, { value: 4_000_000n, outcomePaymentShare: 0.2, reviewPeriods: 1 }),
      );
      expect(review.attainments.map((a) => a.exact.toString())).toEqual(['7/10', '2/5', '4/5']);
      expect(review.attainments.map((a) => a.attainment)).toEqual([0.7, 0.4, 0.8]);
      expect(review.weightedAttainmentExact.toString()).toBe('13/20');
      expect(review.weightedAttainment).toBe(0.65);
      expect(review.rating).toBe('requires_improvement');
      expect(review.pot).toBe(800_000n);
      expect(review.paymentDue).toBe(520_000n);
    });

    it('pays 240,000 on a pot of 750,000 for attainments 0, 14/15 and 0.2 weighted 0.5/0.3/0.2', () => {
      const review = computeOutcomeReview(
        reviewInput(designExampleTwo, { value: 10_000_000n, outcomePaymentShare: 0.3, reviewPeriods: 4 }),
      );
      expect(review.attainments.map((a) => a.exact.toString())).toEqual(['0', '14/15', '1/5']);
      expect(review.weightedAttainmentExact.toString()).toBe('8/25');
      expect(review.rating).toBe('inadequate');
      expect(review.pot).toBe(750_000n);
      expect(review.paymentDue).toBe(240_000n);
    });

    it('uses examples on which binary floating point loses a penny', () => {
      expect(Math.floor(800_000 * (0.5 * 0.7 + 0.25 * 0.4 + 0.25 * 0.8))).toBe(519_999);
      expect(Math.floor(750_000 * (0.5 * 0 + 0.3 * (14 / 15) + 0.2 * 0.2))).toBe(239_999);
    });
  });

  interface PaymentCase {
    label: string;
    scenarios: Scenario[];
    contract: Partial<OutcomeReviewInput>;
    paymentDue: bigint;
    rating: OutcomeRating;
  }

  it.each<PaymentCase>([
    {
      label: 'full attainment of every outcome pays the whole pot',
      scenarios: [increase(0.6, 0, 10, 10), decrease(0.4, 8, 2, 2)],
      contract: potOf(500_000n),
      paymentDue: 500_000n,
      rating: 'good',
    },
    {
      label: 'over-achievement pays no more than the pot',
      scenarios: [increase(0.6, 0, 10, 50), decrease(0.4, 8, 2, -100)],
      contract: potOf(500_000n),
      paymentDue: 500_000n,
      rating: 'good',
    },
    {
      label: 'under-achievement on every outcome pays nothing',
      scenarios: [increase(0.6, 0, 10, -1), decrease(0.4, 8, 2, 9)],
      contract: potOf(500_000n),
      paymentDue: 0n,
      rating: 'inadequate',
    },
    {
      label: 'over-achievement on one outcome cannot make up for another',
      scenarios: [increase(0.5, 0, 10, 20), increase(0.5, 0, 10, 0)],
      contract: potOf(1_000n),
      paymentDue: 500n,
      rating: 'requires_improvement',
    },
    {
      label: 'decrease outcomes alone pay by their progress toward the target',
      scenarios: [decrease(0.5, 30, 10, 15), decrease(0.5, 1, 0.5, 0.9)],
      contract: potOf(100_000n),
      paymentDue: 47_500n,
      rating: 'inadequate',
    },
    {
      label: 'a fractional payment is floored once, at the end',
      scenarios: [increase(1, 0, 3, 1)],
      contract: potOf(100n),
      paymentDue: 33n,
      rating: 'inadequate',
    },
    {
      // Flooring each outcome's share first would pay 1 + 1 = 2.
      label: 'two outcomes worth a third each are floored together, not one by one',
      scenarios: [increase(0.5, 0, 3, 1), increase(0.5, 0, 3, 1)],
      contract: potOf(10n),
      paymentDue: 3n,
      rating: 'inadequate',
    },
    {
      // 0.7 + 0.1 is 0.7999999999999999 as a double, which would rate one band lower.
      label: 'weights 0.7 and 0.1 fully attained rate at exactly 0.8',
      scenarios: [increase(0.7, 0, 1, 1), increase(0.1, 0, 1, 1), increase(0.2, 0, 1, 0)],
      contract: potOf(1_000_000n),
      paymentDue: 800_000n,
      rating: 'approaching_target',
    },
    {
      label: 'an attainment just under 0.8 rates requires_improvement',
      scenarios: [increase(1, 0, 1, 0.7999999)],
      contract: potOf(10_000_000n),
      paymentDue: 7_999_999n,
      rating: 'requires_improvement',
    },
    {
      label: 'an attainment of exactly 0.5 rates requires_improvement',
      scenarios: [increase(1, 0, 1, 0.5)],
      contract: potOf(2n),
      paymentDue: 1n,
      rating: 'requires_improvement',
    },
    {
      label: 'an attainment just under 0.5 rates inadequate',
      scenarios: [increase(1, 0, 1, '0.4999999')],
      contract: potOf(10_000_000n),
      paymentDue: 4_999_999n,
      rating: 'inadequate',
    },
    {
      label: 'a zero outcome share pays nothing',
      scenarios: [increase(1, 0, 10, 10)],
      contract: { value: 1_000_000n, outcomePaymentShare: 0 },
      paymentDue: 0n,
      rating: 'good',
    },
    {
      label: 'a zero-weight outcome neither pays nor costs',
      scenarios: [increase(1, 0, 10, 10), increase(0, 0, 10, 0)],
      contract: potOf(1_000n),
      paymentDue: 1_000n,
      rating: 'good',
    },
    {
      label: 'weights given as strings are read exactly',
      scenarios: [increase('0.5', 0, 10, 7), decrease('0.25', 50, 0, 30), increase('0.25', 0.2, 0.7, 0.6)],
      contract: potOf(800_000n),
      paymentDue: 520_000n,
      rating: 'requires_improvement',
    },
  ])('$label', ({ scenarios, contract, paymentDue, rating }) => {
    const review = computeOutcomeReview(reviewInput(scenarios, contract));
    expect(review.paymentDue).toBe(paymentDue);
    expect(review.rating).toBe(rating);
  });

  it('pays in proportion to each step toward a target of 15 on a pot of 750,000', () => {
    for (let measured = 0; measured <= 15; measured += 1) {
      const review = computeOutcomeReview(reviewInput([increase(1, 0, 15, measured)], potOf(750_000n)));
      expect(review.paymentDue).toBe(50_000n * BigInt(measured));
    }
  });

  describe('weights that sum to 1 only within the allowed 1e-9', () => {
    it('still pays the whole pot and rates good when thirds are written as 0.3333333333', () => {
      const thirds = [0, 1, 2].map(() => increase('0.3333333333', 0, 10, 10));
      const review = computeOutcomeReview(reviewInput(thirds, potOf(10n ** 12n)));
      expect(review.weightedAttainmentExact.equals(Fraction.ONE)).toBe(true);
      expect(review.rating).toBe('good');
      expect(review.paymentDue).toBe(10n ** 12n);
    });

    it('never pays more than the pot when thirds are written as 0.3333333334', () => {
      const thirds = [0, 1, 2].map(() => increase('0.3333333334', 0, 10, 10));
      // Two periods, so that the contract-wide cap is not what holds the payment down.
      const contract = { value: 2n * 10n ** 12n, outcomePaymentShare: 1, reviewPeriods: 2 };
      const review = computeOutcomeReview(reviewInput(thirds, contract));
      expect(review.weightedAttainmentExact.equals(Fraction.ONE)).toBe(true);
      expect(review.paymentDue).toBe(10n ** 12n);
    });
  });

  describe('the cap on the whole outcome share', () => {
    // Value 1,000,000 at a share of 0.5 over 4 periods: pots of 125,000, at most 500,000 in all.
    const contract = { value: 1_000_000n, outcomePaymentShare: 0.5, reviewPeriods: 4 };
    const fullAttainment = [increase(1, 0, 10, 10)];

    it.each<[string, bigint, bigint]>([
      ['pays the whole pot when nothing has been paid', 0n, 125_000n],
      ['pays the whole pot when it exactly reaches the cap', 375_000n, 125_000n],
      ['pays only the remainder when the pot would pass the cap', 400_000n, 100_000n],
      ['pays nothing once the cap is reached', 500_000n, 0n],
      ['pays nothing, never a negative amount, when more than the cap was paid', 600_000n, 0n],
    ])('%s', (_label, alreadyPaid, paymentDue) => {
      const review = computeOutcomeReview(reviewInput(fullAttainment, { ...contract, alreadyPaid }));
      expect(review.pot).toBe(125_000n);
      expect(review.paymentDue).toBe(paymentDue);
    });

    it('leaves a payment under the remainder untouched', () => {
      const review = computeOutcomeReview(
        reviewInput([increase(1, 0, 10, 3)], { ...contract, alreadyPaid: 400_000n }),
      );
      expect(review.paymentDue).toBe(37_500n);
    });

    it('rates on attainment, not on what the cap allows', () => {
      const review = computeOutcomeReview(reviewInput(fullAttainment, { ...contract, alreadyPaid: 500_000n }));
      expect(review.rating).toBe('good');
    });
  });

  describe('huge contract values', () => {
    it('pays a 10^15-pence contract to the penny where floating point would not', () => {
      const review = computeOutcomeReview(
        reviewInput(designExampleOne, { value: 10n ** 15n, outcomePaymentShare: 0.35, reviewPeriods: 7 }),
      );
      expect(review.pot).toBe(50_000_000_000_000n);
      expect(review.paymentDue).toBe(32_500_000_000_000n);
      expect(Math.floor((1e15 * 0.35) / 7 * (0.5 * 0.7 + 0.25 * 0.4 + 0.25 * 0.8))).toBe(32_499_999_999_999);
    });

    it('stays exact far beyond the safe integer range', () => {
      const review = computeOutcomeReview(
        reviewInput([increase(1, 0, 3, 1)], { value: 3n * 10n ** 30n, outcomePaymentShare: '0.1', reviewPeriods: 1 }),
      );
      expect(review.pot).toBe(3n * 10n ** 29n);
      expect(review.paymentDue).toBe(10n ** 29n);
    });
  });

  it('reports attainments in the order of the outcomes, whatever the order of the measurements', () => {
    const input = reviewInput(designExampleOne, potOf(800_000n));
    const review = computeOutcomeReview({ ...input, measurements: [...input.measurements].reverse() });
    expect(review.attainments.map((a) => a.outcomeId)).toEqual(['outcome-1', 'outcome-2', 'outcome-3']);
    expect(review.paymentDue).toBe(520_000n);
  });

  describe('refusing bad input', () => {
    const valid = reviewInput(designExampleOne, potOf(800_000n));
    const [first, ...others] = valid.measurements;
    const equalWeights = valid.outcomes.map((o) => ({ ...o, weight: 0.3 }));

    it.each<[string, Partial<OutcomeReviewInput>, string]>([
      ['weights that do not sum to 1', { outcomes: equalWeights }, 'must sum to 1'],
      ['a missing measurement', { measurements: others }, 'outcome-1 has no measurement'],
      ['a duplicated measurement', { measurements: [first, first, ...others] }, 'outcome-1 has 2 measurements'],
      ['a measurement of an unknown outcome', { measurements: [...valid.measurements, { outcomeId: 'x', value: 1 }] }, 'outcome x'],
      ['a measurement that is not a number', { measurements: [{ ...first, value: NaN }, ...others] }, 'not a finite decimal'],
      ['a share above 1', { outcomePaymentShare: 1.5 }, 'share 1.5'],
      ['a negative share', { outcomePaymentShare: -0.1 }, 'share -0.1'],
      ['zero review periods', { reviewPeriods: 0 }, 'Review periods 0'],
      ['fractional review periods', { reviewPeriods: 1.5 }, 'Review periods 1.5'],
      ['a negative contract value', { value: -1n }, 'value must not be negative'],
      ['a negative amount already paid', { alreadyPaid: -1n }, 'already paid must not be negative'],
      ['no outcomes', { outcomes: [], measurements: [] }, 'at least one outcome'],
    ])('refuses %s', (_label, change, message) => {
      const run = (): unknown => computeOutcomeReview({ ...valid, ...change });
      expect(run).toThrow(OutcomeReviewInputError);
      expect(run).toThrow(message);
    });

    it('lists every problem at once', () => {
      try {
        computeOutcomeReview({ ...valid, reviewPeriods: 0, measurements: [] });
        throw new Error('expected computeOutcomeReview to throw');
      } catch (error) {
        expect(error).toBeInstanceOf(OutcomeReviewInputError);
        expect((error as OutcomeReviewInputError).problems).toHaveLength(4);
      }
    });
  });
});

describe('weightsSumToOne', () => {
  it.each<[string, DecimalInput[], boolean]>([
    ['halves and quarters', [0.5, 0.25, 0.25], true],
    ['tenths, summed exactly', [0.1, 0.2, 0.7], true],
    ['a single weight of 1', [1], true],
    ['thirds written to ten places', ['0.3333333333', '0.3333333333', '0.3333333333'], true],
    ['a sum exactly 1e-9 short', ['0.333333333', '0.333333333', '0.333333333'], true],
    ['a sum exactly 1e-9 over', ['1.000000001'], true],
    ['a sum just beyond 1e-9 short', ['0.3333333333', '0.3333333333', '0.333333332'], false],
    ['a sum just beyond 1e-9 over', ['1.0000000011'], false],
    ['a sum well short', [0.5, 0.3], false],
    ['no weights at all', [], false],
    ['a weight that is not a number', [NaN, 1], false],
    ['a weight that is not a decimal', ['one'], false],
  ])('judges %s: %p', (_label, weights, expected) => {
    expect(weightsSumToOne(weights)).toBe(expected);
  });
});

describe('findOutcomeTermProblems', () => {
  const outcome = (id: string, overrides: Partial<OutcomeTerms> = {}): OutcomeTerms => ({
    id,
    baseline: 0,
    target: 10,
    direction: 'increase',
    weight: 0.5,
    ...overrides,
  });

  const wrongSide = 'target_on_wrong_side';
  const unknownDirection = 'up' as string as OutcomeDirection;

  it('finds nothing wrong with consistent terms', () => {
    const decreasing = outcome('b', { direction: 'decrease', baseline: 10, target: 0 });
    expect(findOutcomeTermProblems([outcome('a'), decreasing])).toEqual([]);
  });

  it.each<[string, OutcomeTerms[], Array<[string | null, string]>]>([
    ['no outcomes', [], [[null, 'no_outcomes']]],
    ['a repeated id', [outcome('a'), outcome('a')], [['a', 'duplicate_outcome']]],
    ['an unreadable baseline', [outcome('a', { baseline: 'ten' }), outcome('b')], [['a', 'invalid_decimal']]],
    ['a negative weight', [outcome('a', { weight: 1.5 }), outcome('b', { weight: -0.5 })], [['b', 'negative_weight']]],
    ['weights that do not sum to 1', [outcome('a'), outcome('b', { weight: 0.4 })], [[null, 'weights_do_not_sum_to_one']]],
    ['an increase with its target below its baseline', [outcome('a', { baseline: 20 }), outcome('b')], [['a', wrongSide]]],
    ['a decrease with its target above its baseline', [outcome('a', { direction: 'decrease' }), outcome('b')], [['a', wrongSide]]],
    ['an unknown direction', [outcome('a', { direction: unknownDirection }), outcome('b')], [['a', 'invalid_direction']]],
  ])('names the outcome for %s', (_label, outcomes, expected) => {
    const problems = findOutcomeTermProblems(outcomes);
    expect(problems.map((p) => [p.outcomeId, p.code])).toEqual(expected);
  });

  it('accepts a target equal to its baseline', () => {
    expect(findOutcomeTermProblems([outcome('a', { target: 0, weight: 1 })])).toEqual([]);
  });
});

describe('findMeasurementProblems', () => {
  const outcomes = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  const measured = (outcomeId: string, value: DecimalInput = 1): OutcomeMeasurement => ({ outcomeId, value });

  it('finds nothing wrong when every outcome is measured exactly once', () => {
    const measurements = [measured('c'), measured('a', '2.5'), measured('b', -3)];
    expect(findMeasurementProblems(outcomes, measurements)).toEqual([]);
  });

  it.each<[string, OutcomeMeasurement[], Array<[string | null, string]>]>([
    ['a missing outcome', [measured('a'), measured('c')], [['b', 'measurement_missing']]],
    [
      'an outcome measured twice',
      [measured('a'), measured('b'), measured('b', 2), measured('c')],
      [['b', 'measurement_duplicated']],
    ],
    [
      'an outcome the contract does not have, named once however often it appears',
      [measured('a'), measured('b'), measured('c'), measured('z'), measured('z', 2)],
      [['z', 'measurement_for_unknown_outcome']],
    ],
    [
      'a value that is not a finite decimal',
      [measured('a', Infinity), measured('b'), measured('c', '1,5')],
      [['a', 'invalid_measurement'], ['c', 'invalid_measurement']],
    ],
    [
      'no measurements at all',
      [],
      [['a', 'measurement_missing'], ['b', 'measurement_missing'], ['c', 'measurement_missing']],
    ],
  ])('names the outcome for %s', (_label, measurements, expected) => {
    const problems = findMeasurementProblems(outcomes, measurements);
    expect(problems.map((p) => [p.outcomeId, p.code])).toEqual(expected);
  });

  it('writes messages that name the outcome', () => {
    const [problem] = findMeasurementProblems(outcomes, [measured('a'), measured('c')]);
    expect(problem.message).toBe('Outcome b has no measurement');
  });
});
