import { CPV_LEVEL_SCORES } from 'src/matching/domain/cpv-scoring';
import { MatchingIndex } from 'src/matching/domain/matching-index';
import type { MatchResult, NeedInput, SupplierProfileInput } from 'src/matching/domain/matching.types';
import { prepareNeedQuery } from 'src/matching/domain/need-query';

const profile = (supplierId: string, overrides: Partial<SupplierProfileInput> = {}): SupplierProfileInput => ({
  supplierId,
  summary: '',
  capabilities: [],
  caseStudies: [],
  cpvCodes: [],
  certifications: [],
  regions: ['uk-wide'],
  maxContractValue: null,
  ...overrides,
});

const need = (overrides: Partial<NeedInput> = {}): NeedInput => ({
  needId: 'need-1',
  title: '',
  description: '',
  essentialRequirements: [],
  cpvCodes: [],
  regions: [],
  requiredCertifications: [],
  budgetMin: null,
  ...overrides,
});

const indexOf = (profiles: readonly SupplierProfileInput[]): MatchingIndex => {
  const index = new MatchingIndex();
  index.upsertMany(profiles);
  return index;
};

const ids = (results: readonly MatchResult[]): string[] => results.map((result) => result.supplierId);

// A small deterministic corpus: topics of phrases, filler words, CPV codes, regions, certificates.
const TOPICS = [
  { words: 'cloud hosting migration platform kubernetes devops monitoring resilience', cpv: ['72000000-5', '72310000-1', '72317000-0'] },
  { words: 'highways resurfacing drainage gritting bridges lighting footways potholes', cpv: ['45233141-9', '45233000-9', '45316000-5'] },
  { words: 'clinical community health mental wellbeing pharmacy pathways patients', cpv: ['85100000-0', '85121000-3', '85140000-2'] },
  { words: 'training apprenticeships coaching curriculum learning skills bootcamps mentoring', cpv: ['80000000-4', '80500000-9', '80530000-8'] },
  { words: 'data analytics dashboards reporting warehouse science modelling statistics', cpv: ['72300000-8', '72316000-3', '48600000-4'] },
];
const FILLER = 'we deliver services to public bodies across the country with experienced teams and clear outcomes'.split(' ');
const REGIONS = ['london', 'wales', 'scotland', 'north-east', 'south-west', 'uk-wide'];
const CERTIFICATIONS = ['iso-27001', 'iso-9001', 'cyber-essentials'];

function corpus(seed: number, size: number): { profiles: SupplierProfileInput[]; needs: NeedInput[] } {
  let state = seed >>> 0;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)];
  const words = (topic: (typeof TOPICS)[number], count: number): string => {
    const topicWords = topic.words.split(' ');
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(next(3) === 0 ? pick(FILLER) : pick(topicWords));
    return out.join(' ');
  };
  const profiles: SupplierProfileInput[] = [];
  for (let i = 0; i < size; i++) {
    const topic = pick(TOPICS);
    profiles.push({
      supplierId: `s-${String(next(1_000_000)).padStart(6, '0')}-${i}`,
      summary: words(topic, 5 + next(30)),
      capabilities: Array.from({ length: next(5) }, () => words(topic, 2)),
      caseStudies: Array.from({ length: next(4) }, () => ({ title: words(topic, 3), description: words(topic, 10 + next(60)) })),
      cpvCodes: Array.from({ length: next(3) }, () => pick(topic.cpv)),
      certifications: CERTIFICATIONS.filter(() => next(2) === 0),
      regions: [pick(REGIONS)],
      maxContractValue: next(3) === 0 ? null : (1 + next(100)) * 1_000_000,
    });
  }
  const needs: NeedInput[] = [];
  for (let i = 0; i < 25; i++) {
    const topic = pick(TOPICS);
    needs.push({
      needId: `n-${i}`,
      title: words(topic, 3),
      description: words(topic, 5 + next(40)),
      essentialRequirements: next(2) === 0 ? [words(topic, 3)] : [],
      cpvCodes: next(3) === 0 ? [] : [pick(topic.cpv)],
      regions: next(2) === 0 ? [] : [pick(REGIONS)],
      requiredCertifications: next(2) === 0 ? [] : [pick(CERTIFICATIONS)],
      budgetMin: next(2) === 0 ? null : (1 + next(50)) * 1_000_000,
    });
  }
  return { profiles, needs };
}

/** The reference ranking: every supplier scored one by one, sorted by score then supplierId. */
function bruteForce(index: MatchingIndex, profiles: readonly SupplierProfileInput[], input: NeedInput, k: number) {
  const query = prepareNeedQuery(input);
  const live = new Map(profiles.map((p) => [p.supplierId, p]));
  return [...live.keys()]
    .map((id) => index.scorePair(query, id) as MatchResult)
    .sort((a, b) => b.score - a.score || (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0))
    .slice(0, k);
}

function expectWellFormed(result: MatchResult): void {
  expect(Number.isFinite(result.score)).toBe(true);
  expect(result.score).toBeGreaterThanOrEqual(0);
  expect(result.score).toBeLessThanOrEqual(100);
  expect(Math.round(result.score * 10) / 10).toBe(result.score);
  for (const value of Object.values(result.components)) {
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }
  const weights = result.explanation.matchedTerms.map((term) => term.weight);
  expect(weights.length).toBeLessThanOrEqual(10);
  expect(weights).toEqual([...weights].sort((a, b) => b - a));
  for (const weight of weights) expect(Number.isFinite(weight)).toBe(true);
  // The CPV pairs explained are the ones the cpv component was scored on.
  const [firstPair] = result.explanation.cpvMatches;
  expect(result.components.cpv).toBe(firstPair === undefined ? 0 : CPV_LEVEL_SCORES[firstPair.level]);
  expect(weights.reduce((sum, weight) => sum + weight, 0)).toBeLessThanOrEqual(result.components.text + 1e-3);
}

describe('MatchingIndex ranking', () => {
  it('ranks a supplier with matching capabilities above one without', () => {
    const index = indexOf([
      profile('plain', { summary: 'We provide office furniture and stationery.' }),
      profile('match', { summary: 'We provide services.', capabilities: ['cloud hosting', 'Kubernetes platform'] }),
    ]);
    const [first, second] = index.topMatches(need({ title: 'Cloud hosting platform' }), 2);
    expect(first.supplierId).toBe('match');
    expect(first.score).toBeGreaterThan(second.score);
    expect(first.explanation.matchedTerms.map((term) => term.term)).toEqual(expect.arrayContaining(['cloud', 'hosting']));
  });

  it('ranks a supplier whose text and CPV both match above one with text only', () => {
    const text = { summary: 'Highways resurfacing and drainage works for councils.' };
    const index = indexOf([
      profile('text-only', { ...text, cpvCodes: ['72000000-5'] }),
      profile('text-and-cpv', { ...text, cpvCodes: ['45233141-9'] }),
    ]);
    const results = index.topMatches(need({ title: 'Road resurfacing', cpvCodes: ['45233141-9'] }), 2);
    expect(ids(results)).toEqual(['text-and-cpv', 'text-only']);
    expect(results[0].explanation.cpvMatches).toEqual([{ need: '45233141-9', supplier: '45233141-9', level: 'exact' }]);
    expect(results[0].components.cpv).toBe(1);
    expect(results[1].components.cpv).toBe(0);
  });

  it.each([
    ['72212000-4', '72212000-4', 'exact'],
    ['72212100-0', '72212000-4', 'category'],
    ['72212000-4', '72213000-1', 'class'],
    ['72212000-4', '72200000-7', 'group'],
    ['72000000-5', '72212000-4', 'division'],
    ['03000000-1', '03100000-2', 'division'],
    ['72212000-4', '45000000-7', null],
  ] as const)('scores need CPV %s against supplier CPV %s at level %s on every path', (needCode, supplierCode, level) => {
    const index = indexOf([profile('s', { summary: 'services', cpvCodes: [supplierCode] })]);
    const input = need({ title: 'services', cpvCodes: [needCode] });
    const [viaQuery] = index.topMatches(input, 1);
    const expected = level === null ? 0 : CPV_LEVEL_SCORES[level];
    expect(viaQuery.components.cpv).toBe(expected);
    expect(viaQuery.explanation.cpvMatches.map((pair) => pair.level)).toEqual(level === null ? [] : [level]);
    expect(index.scorePair(input, 's')).toEqual(viaQuery);
  });

  it('weights a title word above a description word', () => {
    const index = indexOf([
      profile('title-word', { summary: 'Accessibility audits.' }),
      profile('description-word', { summary: 'Penetration testing.' }),
    ]);
    const results = index.topMatches(need({ title: 'Accessibility', description: 'penetration' }), 2);
    expect(ids(results)).toEqual(['title-word', 'description-word']);
  });

  it('breaks ties by supplierId, ascending', () => {
    const same = { summary: 'Grounds maintenance and grass cutting.' };
    const index = indexOf([profile('c', same), profile('a', same), profile('b', same)]);
    const results = index.topMatches(need({ title: 'grounds maintenance' }), 3);
    expect(ids(results)).toEqual(['a', 'b', 'c']);
    expect(new Set(results.map((r) => r.score)).size).toBe(1);
  });

  it('lists a failing supplier below an otherwise equal eligible one, saying why', () => {
    const same = { summary: 'Secure cloud hosting.', regions: ['wales'], maxContractValue: 1_000_000_00 };
    const index = indexOf([
      profile('eligible', { ...same, certifications: ['iso-27001'] }),
      profile('uncertified', same),
      profile('english', { ...same, certifications: ['iso-27001'], regions: ['london'] }),
      profile('small', { ...same, certifications: ['iso-27001'], maxContractValue: 50_000_00 }),
    ]);
    const input = need({ title: 'cloud hosting', regions: ['wales'], requiredCertifications: ['iso-27001'], budgetMin: 100_000_00 });
    const results = index.topMatches(input, 4);
    expect(results[0].supplierId).toBe('eligible');
    expect(results[0].explanation.failedRequirements).toEqual([]);
    const failures = Object.fromEntries(results.slice(1).map((r) => [r.supplierId, r.explanation.failedRequirements]));
    expect(failures).toEqual({
      uncertified: ['missing certification iso-27001'],
      english: ['does not serve region wales'],
      small: ['maximum contract value £50,000 is below the minimum budget £100,000'],
    });
    for (const result of results.slice(1)) {
      expect(result.score).toBeLessThan(results[0].score);
      expect(result.components.eligibility).toBeLessThan(1);
    }
  });

  it('returns every profile when k exceeds the corpus, and nothing for k = 0', () => {
    const index = indexOf([profile('a'), profile('b')]);
    expect(index.topMatches(need({ title: 'anything' }), 50)).toHaveLength(2);
    expect(index.topMatches(need({ title: 'anything' }), 0)).toEqual([]);
    expect(new MatchingIndex().topMatches(need({ title: 'anything' }), 5)).toEqual([]);
  });
});

describe('MatchingIndex edge cases', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'scores the word %j like any other, in needs, profiles and supplier ids',
    (word) => {
      const index = indexOf([
        profile(word, { summary: `${word} ${word} expertise`, capabilities: [word] }),
        profile('other', { summary: 'unrelated catering' }),
      ]);
      const results = index.topMatches(need({ title: word, description: word }), 2);
      expect(results[0].supplierId).toBe(word);
      expect(results[0].components.text).toBeGreaterThan(0);
      results.forEach(expectWellFormed);
      expect(index.has(word)).toBe(true);
      expect(index.remove(word)).toBe(true);
      expect(index.has(word)).toBe(false);
    },
  );

  it('matches accented and unaccented spellings', () => {
    const index = indexOf([profile('cafe', { summary: 'Café and catering services' }), profile('other', { summary: 'Roofing' })]);
    const [first] = index.topMatches(need({ title: 'cafe catering' }), 1);
    expect(first.supplierId).toBe('cafe');
    expect(first.explanation.matchedTerms.map((term) => term.term)).toContain('cafe');
  });

  it('handles profiles and needs with empty lists and empty text', () => {
    const index = indexOf([profile('empty', { regions: [] }), profile('words', { summary: 'Fleet management' })]);
    const results = index.topMatches(need({}), 2);
    expect(results).toHaveLength(2);
    results.forEach(expectWellFormed);
    for (const result of results) expect(result.components.text).toBe(0);
  });

  it('handles one-word descriptions', () => {
    const index = indexOf([
      profile('one', { summary: 'Translation', caseStudies: [{ title: 'Welsh', description: 'Interpreting' }] }),
      profile('two', { summary: 'Interpreting' }),
    ]);
    const results = index.topMatches(need({ title: 'Interpreting', description: 'Translation' }), 2);
    expect(results).toHaveLength(2);
    results.forEach(expectWellFormed);
    for (const result of results) expect(result.components.text).toBeGreaterThan(0);
  });

  it('scores a need with no known words as zero text, never NaN, still ranking by CPV', () => {
    const index = indexOf([
      profile('cpv', { summary: 'Roofing', cpvCodes: ['45260000-7'] }),
      profile('none', { summary: 'Roofing' }),
    ]);
    const results = index.topMatches(need({ title: 'xyzzy plugh', description: 'the and of', cpvCodes: ['45261000-4'] }), 2);
    expect(ids(results)).toEqual(['cpv', 'none']);
    for (const result of results) {
      expectWellFormed(result);
      expect(result.components.text).toBe(0);
      expect(result.explanation.matchedTerms).toEqual([]);
    }
    expect(results[0].explanation.cpvMatches[0].level).toBe('class');
  });

  it('replaces a profile on upsert and forgets it on remove', () => {
    const index = indexOf([profile('a', { summary: 'Catering' }), profile('b', { summary: 'Catering' })]);
    index.upsert(profile('a', { summary: 'Roofing' }));
    expect(index.size).toBe(2);
    expect(ids(index.topMatches(need({ title: 'catering' }), 1))).toEqual(['b']);
    expect(ids(index.topMatches(need({ title: 'roofing' }), 1))).toEqual(['a']);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(ids(index.topMatches(need({ title: 'roofing' }), 5))).toEqual(['b']);
  });

  it('explains every match within its ranges, from both directions', () => {
    const { profiles, needs } = corpus(7, 150);
    const index = indexOf(profiles);
    for (const input of needs.slice(0, 8)) index.topMatches(input, 10).forEach(expectWellFormed);
    const queries = needs.map((input) => prepareNeedQuery(input));
    for (const supplier of profiles.slice(0, 20)) index.scoreSupplierAgainstNeeds(supplier.supplierId, queries).forEach(expectWellFormed);
  });
});

describe('MatchingIndex determinism and exactness', () => {
  const { profiles, needs } = corpus(42, 600);

  it('gives identical results whatever order the profiles were loaded in', () => {
    const forward = indexOf(profiles);
    const backward = indexOf([...profiles].reverse());
    const shuffled = new MatchingIndex();
    for (let i = 0; i < profiles.length; i++) shuffled.upsert(profiles[(i * 7919) % profiles.length]);
    for (const input of needs) {
      const expected = forward.topMatches(input, 15);
      expect(backward.topMatches(input, 15)).toEqual(expected);
      expect(shuffled.topMatches(input, 15)).toEqual(expected);
    }
  });

  it('returns exactly the brute-force top k (pruning never drops a better supplier)', () => {
    const index = indexOf(profiles);
    for (const input of needs) {
      for (const k of [1, 5, 20]) {
        const results = index.topMatches(input, k);
        const expected = bruteForce(index, profiles, input, k);
        expect(results.map((r) => [r.supplierId, r.score])).toEqual(expected.map((r) => [r.supplierId, r.score]));
      }
    }
  });

  it('scores a supplier against many needs exactly as topMatches scores those pairs', () => {
    const index = indexOf(profiles);
    const queries = needs.map((input) => prepareNeedQuery(input));
    for (const query of queries.slice(0, 10)) {
      for (const match of index.topMatches(query, 5)) {
        const [fromSupplier] = index.scoreSupplierAgainstNeeds(match.supplierId, [query]);
        expect(fromSupplier).toEqual({ needId: query.needId, ...match });
      }
    }
    const all = index.scoreSupplierAgainstNeeds(profiles[0].supplierId, queries);
    expect(all.map((result) => result.needId)).toEqual(queries.map((query) => query.needId));
    expect(index.scoreSupplierAgainstNeeds(profiles[0].supplierId, queries, { minScore: 101 })).toEqual([]);
    expect(index.scoreSupplierAgainstNeeds('nobody', queries)).toEqual([]);
  });

  it('scores a changed profile against open needs as a fresh index would', () => {
    const index = indexOf(profiles);
    const changed = { ...profiles[10], supplierId: profiles[3].supplierId };
    const results = index.scoreProfileAgainstNeeds(changed, needs);
    const fresh = indexOf([...profiles.filter((p) => p.supplierId !== changed.supplierId), changed]);
    expect(results).toEqual(fresh.scoreSupplierAgainstNeeds(changed.supplierId, needs.map((n) => prepareNeedQuery(n))));
    const kept: string[] = [];
    index.scoreSupplierAgainstNeeds(changed.supplierId, needs.map((n) => prepareNeedQuery(n)), {
      keep: (needId, score) => {
        expect(score).toBe(results.find((r) => r.needId === needId)?.score);
        kept.push(needId);
        return false;
      },
    });
    expect(kept).toEqual(needs.map((n) => n.needId));
  });

  it('after incremental changes gives the same results as an index rebuilt from scratch', () => {
    const incremental = indexOf(profiles);
    const finalProfiles = new Map(profiles.map((p) => [p.supplierId, p]));
    // Enough changes to cross the compaction threshold and move the averages, interleaved with
    // queries so that appended postings and tombstones are exercised as well.
    const extra = corpus(99, 400).profiles;
    for (let i = 0; i < 300; i++) {
      const original = profiles[(i * 37) % profiles.length];
      if (i % 5 === 0) {
        incremental.remove(original.supplierId);
        finalProfiles.delete(original.supplierId);
      } else {
        const changed = { ...extra[i], supplierId: original.supplierId };
        incremental.upsert(changed);
        finalProfiles.set(changed.supplierId, changed);
      }
      if (i % 60 === 0) incremental.topMatches(needs[i % needs.length], 5);
    }
    for (const added of extra.slice(300)) {
      incremental.upsert(added);
      finalProfiles.set(added.supplierId, added);
    }
    const rebuilt = indexOf([...finalProfiles.values()]);
    expect(incremental.size).toBe(rebuilt.size);
    for (const input of needs) expect(incremental.topMatches(input, 20)).toEqual(rebuilt.topMatches(input, 20));
    const queries = needs.map((input) => prepareNeedQuery(input));
    const someone = [...finalProfiles.keys()][3];
    expect(incremental.scoreSupplierAgainstNeeds(someone, queries)).toEqual(rebuilt.scoreSupplierAgainstNeeds(someone, queries));
  });

  it('keeps exact results while profiles are appended after the index was packed', () => {
    const index = indexOf(profiles.slice(0, 500));
    for (const added of profiles.slice(500)) index.upsert(added);
    expect(index.stats().appendedPostings).toBeGreaterThan(0);
    for (const input of needs.slice(0, 10)) {
      const expected = bruteForce(index, profiles, input, 10);
      expect(index.topMatches(input, 10).map((r) => [r.supplierId, r.score])).toEqual(
        expected.map((r) => [r.supplierId, r.score]),
      );
    }
  });
});

// A larger corpus with the shape that makes the index choose between its paths: topic words most
// profiles hold (kept as dense arrays), a long tail of rare words (posting lists), CPV codes over
// several divisions, and more certification slugs than fit in a bit mask.
function mixedCorpus(seed: number, size: number, needCount: number) {
  let state = seed >>> 0;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)];
  const rare = Array.from({ length: 2500 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
  // Skewed towards the first rare words, so that some are common and most are rare.
  const rareWord = (): string => rare[Math.floor(rare.length * (next(1000) / 1000) ** 3)];
  const codes = ['72212000-4', '72222300-0', '72000000-5', '45233141-9', '45316000-5', '85121000-3', '80530000-8', '48600000-4', '79411000-8', '90910000-9'];
  const certifications = Array.from({ length: 40 }, (_, i) => `cert-${i}`);
  const text = (count: number): string => {
    const topic = pick(TOPICS).words.split(' ');
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const roll = next(10);
      out.push(roll < 4 ? pick(topic) : roll < 6 ? pick(FILLER) : rareWord());
    }
    return out.join(' ');
  };
  const profiles: SupplierProfileInput[] = [];
  for (let i = 0; i < size; i++) {
    profiles.push({
      supplierId: `m-${String(next(1_000_000)).padStart(6, '0')}-${i}`,
      summary: text(10 + next(60)),
      capabilities: Array.from({ length: next(6) }, () => text(2)),
      caseStudies: Array.from({ length: next(4) }, () => ({ title: text(3), description: text(10 + next(80)) })),
      cpvCodes: Array.from({ length: next(4) }, () => pick(codes)),
      certifications: certifications.filter(() => next(8) === 0),
      regions: [pick(REGIONS)],
      maxContractValue: next(3) === 0 ? null : (1 + next(100)) * 1_000_000,
    });
  }
  const needs: NeedInput[] = [];
  for (let i = 0; i < needCount; i++) {
    needs.push({
      needId: `mn-${i}`,
      title: text(2 + next(5)),
      // Some long descriptions: many terms with small bounds, low thresholds.
      description: text(next(4) === 0 ? 120 : 5 + next(40)),
      essentialRequirements: next(2) === 0 ? [text(3)] : [],
      cpvCodes: next(4) === 0 ? [] : [pick(codes)],
      regions: next(2) === 0 ? [] : [pick(REGIONS)],
      requiredCertifications: next(2) === 0 ? [] : [pick(certifications)],
      budgetMin: next(2) === 0 ? null : (1 + next(50)) * 1_000_000,
    });
  }
  return { profiles, needs };
}

/** Every held supplier scored one by one, best first, ties by supplierId. */
function rankedByPairs(index: MatchingIndex, supplierIds: readonly string[], input: NeedInput): [string, number][] {
  const query = prepareNeedQuery(input);
  return supplierIds
    .map((id): [string, number] => [id, (index.scorePair(query, id) as MatchResult).score])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe('MatchingIndex pruning on a mixed vocabulary', () => {
  const { profiles, needs } = mixedCorpus(2024, 1500, 24);

  it('returns exactly the top k found by scoring every supplier, whichever documents can qualify', () => {
    const index = indexOf(profiles);
    const ids = profiles.map((p) => p.supplierId);
    for (const input of needs) {
      const expected = rankedByPairs(index, ids, input);
      for (const k of [1, 10, 60]) {
        expect(index.topMatches(input, k).map((r) => [r.supplierId, r.score])).toEqual(expected.slice(0, k));
      }
    }
  });

  it('stays exact with appended profiles, replacements and removals before the next repack', () => {
    const index = indexOf(profiles.slice(0, 1200));
    const held = new Map(profiles.slice(0, 1200).map((p) => [p.supplierId, p]));
    for (const added of profiles.slice(1200)) {
      index.upsert(added);
      held.set(added.supplierId, added);
    }
    for (let i = 0; i < 60; i++) {
      const victim = profiles[(i * 53) % 1200].supplierId;
      if (i % 3 === 0) {
        index.remove(victim);
        held.delete(victim);
      } else {
        const replacement = { ...profiles[1200 + (i % 300)], supplierId: victim };
        index.upsert(replacement);
        held.set(victim, replacement);
      }
    }
    expect(index.stats().appendedPostings).toBeGreaterThan(0);
    expect(index.stats().tombstones).toBeGreaterThan(0);
    const ids = [...held.keys()];
    for (const input of needs.slice(0, 12)) {
      const expected = rankedByPairs(index, ids, input);
      for (const k of [5, 40]) {
        expect(index.topMatches(input, k).map((r) => [r.supplierId, r.score])).toEqual(expected.slice(0, k));
      }
    }
  });

  it('explains large result sets exactly as scoring each pair does, with appended and removed profiles', () => {
    // k past the batch size (sample and results read in several batches of documents), profiles
    // appended and removed since the index was packed (appended postings, tombstones), and needs
    // requiring certifications beyond the bit masks (the slow eligibility path).
    const index = indexOf(profiles.slice(0, 1000));
    for (const added of profiles.slice(1000)) index.upsert(added);
    for (let i = 0; i < 30; i++) index.remove(profiles[(i * 31) % 1000].supplierId);
    expect(index.stats().appendedPostings).toBeGreaterThan(0);
    expect(index.stats().tombstones).toBeGreaterThan(0);
    const inputs = [
      ...needs.slice(0, 4),
      { ...needs[4], needId: 'certified', requiredCertifications: ['cert-3', 'cert-35'], budgetMin: 20_000_000 },
    ];
    for (const input of inputs) {
      const query = prepareNeedQuery(input);
      const matches = index.topMatches(query, 1100);
      expect(matches).toHaveLength(1100);
      for (const match of matches) {
        const [fromSupplier] = index.scoreSupplierAgainstNeeds(match.supplierId, [query]);
        expect(fromSupplier).toEqual({ needId: query.needId, ...match });
      }
    }
  });

  it('scores a supplier against the needs exactly as topMatches does, explanations included', () => {
    const index = indexOf(profiles);
    // Requirements naming every one of the 40 certifications: more slugs than the packed form has bits.
    const requiring = Array.from({ length: 40 }, (_, i) => ({
      ...needs[i % needs.length],
      needId: `cert-${i}`,
      requiredCertifications: [`cert-${i}`, `cert-${(i * 7) % 40}`],
    }));
    // And a need longer than any packed buffer holds.
    const long = { ...needs[0], needId: 'long', description: profiles.slice(0, 40).map((p) => p.summary).join(' ') };
    const queries = [...needs.slice(0, 8), ...requiring, long].map((input) => prepareNeedQuery(input));
    expect(queries[queries.length - 1].termIds.length).toBeGreaterThan(300);
    for (const query of queries) {
      for (const match of index.topMatches(query, 3)) {
        const [fromSupplier] = index.scoreSupplierAgainstNeeds(match.supplierId, [query]);
        expect(fromSupplier).toEqual({ needId: query.needId, ...match });
      }
    }
  });
});

describe('MatchingIndex pruning when broad CPV ranks hold most suppliers', () => {
  // Most suppliers share the need's CPV division (some its group or class, few its exact code),
  // and every text is padded with the same filler words, which become dense terms: the documents
  // of the broad ranks get those terms only if they become candidates (see denseFrom).
  let state = 77;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)];
  const codes = ['72212000-4', '72212100-0', '72210000-0', '72222300-0', '72310000-1', '72600000-6', '45233141-9'];
  // Words of middling frequency (each in a fifth to a half of the profiles: dense), and rare ones.
  const middling = Array.from({ length: 24 }, (_, i) => `mid${i.toString(36)}word`);
  const rare = Array.from({ length: 3000 }, (_, i) => `r${(i * 7919).toString(36)}z`);
  const text = (count: number): string =>
    Array.from({ length: count }, () => (next(4) === 0 ? pick(middling) : next(3) === 0 ? pick(FILLER) : pick(rare))).join(' ');
  const profiles: SupplierProfileInput[] = Array.from({ length: 2000 }, (_, i) => ({
    supplierId: `b-${String(next(1_000_000)).padStart(6, '0')}-${i}`,
    summary: text(10 + next(40)),
    capabilities: Array.from({ length: next(4) }, () => text(2)),
    caseStudies: Array.from({ length: next(3) }, () => ({ title: text(3), description: text(10 + next(50)) })),
    // Weighted towards the broad codes: the exact one is rare.
    cpvCodes: [codes[Math.min(codes.length - 1, 1 + Math.floor(next(1000) ** 0.5 / 5))], ...(next(20) === 0 ? ['72212000-4'] : [])],
    certifications: [],
    regions: ['uk-wide'],
    maxContractValue: null,
  }));
  const needs: NeedInput[] = Array.from({ length: 12 }, (_, i) =>
    need({ needId: `bn-${i}`, title: text(3), description: text(10 + next(60)), cpvCodes: ['72212000-4'] }),
  );

  it('returns exactly the top k found by scoring every supplier, with appended and removed profiles', () => {
    const index = indexOf(profiles.slice(0, 1700));
    index.refresh();
    for (const added of profiles.slice(1700)) index.upsert(added);
    const removed = new Set(profiles.slice(0, 100).filter((_, i) => i % 3 === 0).map((p) => p.supplierId));
    for (const supplierId of removed) index.remove(supplierId);
    const ids = profiles.map((p) => p.supplierId).filter((id) => !removed.has(id));
    for (const input of needs) {
      const expected = rankedByPairs(index, ids, input);
      for (const k of [5, 20, 100]) {
        expect(index.topMatches(input, k).map((r) => [r.supplierId, r.score])).toEqual(expected.slice(0, k));
      }
    }
  });
});

describe('MatchingIndex deepening over profiles appended since the last pack', () => {
  // Rare words only (no dense terms). Long needs give every CPV rank a chance by the sum of the
  // bounds, so the deepening (see rankTop) rules ranks out by the best sums it has seen. For each
  // need, 25 suppliers with its exact code hold a fifth of its words (a high threshold); most others
  // are outside its division, with words at random. The one supplier of the division rank that can
  // still qualify holds all its words, and all its postings sit in the append lists.
  let state = 4242;
  const next = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const words = Array.from({ length: 3000 }, (_, i) => `d${(i * 7919).toString(36)}q`);
  const text = (count: number): string => Array.from({ length: count }, () => words[next(words.length)]).join(' ');
  const needs = Array.from({ length: 6 }, (_, i) => need({ needId: `dn-${i}`, title: text(4), description: text(40), cpvCodes: ['72212000-4'] }));
  const someWordsOf = (input: NeedInput): string =>
    `${input.title} ${input.description}`.split(' ').filter(() => next(5) === 0).join(' ');
  const profile = (supplierId: string, summary: string, cpvCode: string): SupplierProfileInput => ({
    supplierId,
    summary,
    capabilities: [text(2)],
    caseStudies: [{ title: text(3), description: text(30) }],
    cpvCodes: [cpvCode],
    certifications: [],
    regions: ['uk-wide'],
    maxContractValue: null,
  });
  const profiles: SupplierProfileInput[] = [
    ...needs.flatMap((input, i) =>
      Array.from({ length: 25 }, (_, j) => profile(`d-exact-${i}-${String(j).padStart(2, '0')}`, `${someWordsOf(input)} ${text(20)}`, '72212000-4')),
    ),
    ...Array.from({ length: 1350 }, (_, i) => profile(`d-other-${String(i).padStart(4, '0')}`, text(40), '45233141-9')),
  ];

  it('finds that supplier, exactly as scoring every supplier does', () => {
    const index = indexOf(profiles);
    index.refresh();
    for (const [i, input] of needs.entries()) {
      const match = profile(`d-appended-${i}`, `${input.title} ${input.description}`, '72600000-6');
      index.upsert(match);
      const expected = rankedByPairs(index, [...profiles.map((p) => p.supplierId), match.supplierId], input);
      expect(expected.slice(0, 20).map(([id]) => id)).toContain(match.supplierId);
      expect(index.topMatches(input, 20).map((r) => [r.supplierId, r.score])).toEqual(expected.slice(0, 20));
      index.remove(match.supplierId);
    }
  });
});
