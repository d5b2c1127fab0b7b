import {
  checkEligibility,
  formatPence,
  prepareEligibilityProfile,
  prepareEligibilityRequirements,
  servesRegion,
} from 'src/matching/domain/eligibility-scoring';

const profile = (regions: string[], certifications: string[] = [], maxContractValue: number | null = null) =>
  prepareEligibilityProfile({ regions, certifications, maxContractValue });
const need = (regions: string[], requiredCertifications: string[] = [], budgetMin: number | null = null) =>
  prepareEligibilityRequirements({ regions, requiredCertifications, budgetMin });

describe('servesRegion (DESIGN.md §3)', () => {
  it.each<[string[], string[], boolean]>([
    [['uk-wide'], ['wales'], true],
    [['wales'], ['wales'], true],
    [['wales', 'london'], ['scotland', 'london'], true],
    [['london'], ['wales'], false],
    [['uk-wide'], [], true],
    [['london'], [], false], // a need naming no region is served by UK-wide suppliers only
    [['uk-wide'], ['uk-wide'], true],
    [['london'], ['uk-wide'], false], // nor is a need naming uk-wide served by a one-region supplier
    [['london'], ['uk-wide', 'london'], true],
    [[], ['wales'], false],
    [[], [], false],
  ])('a supplier in %j serves a need in %j: %s', (supplierRegions, needRegions, expected) => {
    expect(servesRegion(profile(supplierRegions).regions, need(needRegions).regions)).toBe(expected);
  });

  it('compares slugs without regard to case or surrounding spaces', () => {
    expect(servesRegion(profile([' Wales ']).regions, need(['WALES']).regions)).toBe(true);
  });
});

describe('checkEligibility', () => {
  it.each<[string, ReturnType<typeof need>, ReturnType<typeof profile>, number, string[]]>([
    ['an eligible supplier', need(['wales'], ['iso-27001'], 100_000_00), profile(['wales'], ['iso-27001'], 200_000_00), 1, []],
    [
      'a missing certification',
      need(['wales'], ['iso-27001', 'cyber-essentials']),
      profile(['wales'], ['cyber-essentials']),
      2 / 3,
      ['missing certification iso-27001'],
    ],
    ['a region not served', need(['wales']), profile(['london']), 0, ['does not serve region wales']],
    [
      'several regions not served',
      need(['wales', 'scotland']),
      profile(['london']),
      0,
      ['does not serve any of the regions wales, scotland'],
    ],
    ['a UK-wide need and a regional supplier', need([]), profile(['london']), 0, ['does not serve the whole UK (uk-wide)']],
    [
      'a value below the minimum budget',
      need(['uk-wide'], [], 100_000_00),
      profile(['uk-wide'], [], 50_000_00),
      0.5,
      ['maximum contract value £50,000 is below the minimum budget £100,000'],
    ],
    ['a value equal to the minimum budget', need(['uk-wide'], [], 100_000_00), profile(['uk-wide'], [], 100_000_00), 1, []],
    ['no stated maximum value', need(['uk-wide'], [], 100_000_00), profile(['uk-wide'], [], null), 1, []],
    ['no minimum budget', need(['uk-wide'], [], null), profile(['uk-wide'], [], 1), 1, []],
    [
      'everything failing',
      need(['wales'], ['iso-9001'], 100_00),
      profile(['london'], [], 99),
      0,
      ['missing certification iso-9001', 'does not serve region wales', 'maximum contract value £0.99 is below the minimum budget £100'],
    ],
  ])('scores %s', (_name, requirements, supplier, score, failed) => {
    const outcome = checkEligibility(requirements, supplier);
    expect(outcome.score).toBeCloseTo(score, 12);
    expect(outcome.failedRequirements).toEqual(failed);
  });

  it('treats certification slugs case-insensitively', () => {
    expect(checkEligibility(need(['uk-wide'], ['ISO-27001']), profile(['uk-wide'], ['iso-27001'])).score).toBe(1);
  });
});

describe('formatPence', () => {
  it.each([
    [0, '£0'],
    [99, '£0.99'],
    [100, '£1'],
    [5_000_000, '£50,000'],
    [123_456, '£1,234.56'],
    [100_000_000_00, '£100,000,000'],
    [-5_000, '-£50'],
  ])('%d → %s', (pence, text) => {
    expect(formatPence(pence)).toBe(text);
  });
});
