import { prepareNeedQuery, QUERY_FIELD_WEIGHTS } from 'src/matching/domain/need-query';
import type { NeedInput } from 'src/matching/domain/matching.types';

const need = (overrides: Partial<NeedInput>): NeedInput => ({
  needId: 'n1',
  title: '',
  description: '',
  essentialRequirements: [],
  cpvCodes: [],
  regions: [],
  requiredCertifications: [],
  budgetMin: null,
  ...overrides,
});

const weightOf = (query: ReturnType<typeof prepareNeedQuery>, term: string): number =>
  query.weights[query.terms.indexOf(term)];

describe('prepareNeedQuery', () => {
  it('weights a title word above a description word, and a requirement word between them', () => {
    const query = prepareNeedQuery(need({ title: 'cloud', description: 'hosting', essentialRequirements: ['migration'] }));
    expect(QUERY_FIELD_WEIGHTS.title).toBeGreaterThan(QUERY_FIELD_WEIGHTS.essentialRequirements);
    expect(weightOf(query, 'cloud')).toBeGreaterThan(weightOf(query, 'migrat'));
    expect(weightOf(query, 'migrat')).toBeGreaterThan(weightOf(query, 'host'));
  });

  it('gives a repeated word diminishing returns', () => {
    const once = weightOf(prepareNeedQuery(need({ description: 'data' })), 'data');
    const five = weightOf(prepareNeedQuery(need({ description: 'data data data data data' })), 'data');
    expect(five).toBeGreaterThan(once);
    expect(five).toBeLessThan(5 * once);
  });

  it('sorts its distinct terms and keeps the need’s own words for explanations', () => {
    const query = prepareNeedQuery(need({ title: 'Delivering services', description: 'service delivery' }));
    expect(query.terms).toEqual([...query.terms].sort());
    expect(new Set(query.terms).size).toBe(query.terms.length);
    expect(query.surfaces[query.terms.indexOf('servic')]).toBe('services');
  });

  it('handles a need with no words at all', () => {
    const query = prepareNeedQuery(need({}));
    expect(query.terms).toEqual([]);
    expect(query.weights.length).toBe(0);
  });

  it('normalises eligibility slugs and CPV codes once', () => {
    const query = prepareNeedQuery(need({ regions: ['Wales', 'wales'], requiredCertifications: ['ISO-27001'], cpvCodes: ['72000000-5', 'bad'] }));
    expect(query.eligibility.regions).toEqual(['wales']);
    expect(query.eligibility.requiredCertifications).toEqual(['iso-27001']);
    expect(query.cpv.codes).toEqual(['72000000-5']);
  });
});
