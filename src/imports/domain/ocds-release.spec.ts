import { mapOcdsRelease, poundsToPence } from 'src/imports/domain/ocds-release';

const CODES = new Map([
  ['72000000', '72000000-5'],
  ['72212000', '72212000-4'],
]);
const lookup = (digits: string) => CODES.get(digits);

describe('poundsToPence', () => {
  it.each([
    [375780, 37_578_000],
    [0.01, 1],
    [0.29, 29],
    [1234.56, 123_456],
    [1.005, 101],
    [19.999, 2000],
  ])('turns £%p into %p pence exactly', (pounds, pence) => {
    expect(poundsToPence(pounds)).toBe(pence);
  });

  it.each([[-1], ['100'], [Number.NaN], [null]])('refuses %p', (value) => {
    expect(poundsToPence(value)).toBeNull();
  });
});

describe('mapOcdsRelease', () => {
  const release = {
    ocid: 'ocds-abc-1',
    tender: {
      title: 'Case management system',
      description: 'Build and run it.',
      classification: { scheme: 'CPV', id: '72000000' },
      items: [
        { id: '1', additionalClassifications: [{ scheme: 'CPV', id: '72212000' }, { scheme: 'CPV', id: '72000000' }, { scheme: 'UNSPSC', id: '43230000' }] },
        { id: '2', classification: { scheme: 'cpv', id: '99999999' }, deliveryAddresses: [{ region: 'UKM' }, { region: 'UKL22' }, { region: 'UK' }] },
      ],
      minValue: { amount: 100000, currency: 'GBP' },
      value: { amount: 250000.5, currency: 'GBP' },
      tenderPeriod: { endDate: '2030-01-31T12:00:00Z' },
    },
  };

  it('maps title, description, CPV codes, budgets in pence, deadline and regions, keyed by ocid', () => {
    const mapped = mapOcdsRelease(release, lookup);
    expect(mapped.errors).toEqual([]);
    expect(mapped.need).toEqual({
      externalId: 'ocds-abc-1',
      title: 'Case management system',
      description: 'Build and run it.',
      cpvCodes: ['72000000-5', '72212000-4'],
      budgetMin: 10_000_000,
      budgetMax: 25_000_050,
      submissionDeadline: '2030-01-31T12:00:00Z',
      regions: ['scotland', 'wales'],
    });
    expect(mapped.warnings).toEqual([{ field: 'tender.items.classification', message: 'CPV 99999999 is not in the vocabulary and was left out' }]);
  });

  it('leaves a budget in another currency empty, with a warning, and reads UK alone as uk-wide', () => {
    const mapped = mapOcdsRelease(
      { ocid: 'o', tender: { title: 't', value: { amount: 5, currency: 'EUR' }, items: [{ deliveryAddresses: [{ region: 'UK' }] }] } },
      lookup,
    );
    expect(mapped.need).toMatchObject({ description: 't', regions: ['uk-wide'] });
    expect(mapped.need.budgetMax).toBeUndefined();
    expect(mapped.warnings[0].field).toBe('tender.value.currency');
  });

  it('needs an ocid and a tender', () => {
    expect(mapOcdsRelease({ id: 'r1' }, lookup).errors.map((e) => e.field)).toEqual(['ocid', 'tender']);
    expect(mapOcdsRelease([], lookup).errors).toEqual([{ field: 'release', message: 'a release must be a JSON object' }]);
  });
});
