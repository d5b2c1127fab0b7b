import { isRemnantAfter, mendGluedRemnants, withoutRemnant } from 'src/matching/domain/portal-remnants';
import { analyseText, analyseToStemIdsWithSurfaces, NATURAL_COMPATIBLE } from 'src/matching/domain/text-analysis';

// Real tender notices after a portal dropped the backslashes of \r\n.
describe('portal line-break remnants', () => {
  it.each([
    ['worksrn', 'works'],
    ['maintenancern', 'maintenance'],
    ['healthcarern', 'healthcare'],
    ['arearn', 'area'],
    ['datarn', 'data'],
    ['2025rnrn', '2025'],
    ['rn', ''],
    ['modernrn', 'modern'],
    ['returnrnrn', 'return'],
  ])('drops the remnant ending %j', (token, word) => {
    expect(withoutRemnant(token)).toBe(word);
  });

  it.each(['modern', 'concern', 'discern', 'return', 'learn', 'yearn', 'western', 'northern', 'pattern', 'govern', 'born', 'springburn', 'cairn', 'barn', 'stern', 'fern', 'kern', 'hearn', 'bjørn'])(
    'keeps the word %j',
    (word) => {
      expect(withoutRemnant(word)).toBe(word);
    },
  );

  it.each([
    ['Compact sweepersrnLot 3', 'Compact sweepers  Lot 3'],
    ['Lot 1rnLot 2', 'Lot 1  Lot 2'],
    ['two lots.rnrnWe welcome', 'two lots.    We welcome'],
    ['WORKSrnCOMPLETION', 'WORKS  COMPLETION'],
    ['modernrnLot', 'modern  Lot'],
  ])('mends %j', (text, mended) => {
    expect(mendGluedRemnants(text)).toBe(mended);
  });

  it('leaves words that go on after "rn", or really end in it before a capital, as they are', () => {
    const text = 'Guernsey Byrne government internal ModernGov ReturnOn turnover RNLI and Minor Worksrn Completion';
    expect(mendGluedRemnants(text)).toBe(text);
  });

  it.each([
    ['', true],
    ['works', true],
    ['2025', true],
    ['maintenance', true],
    ['refuse', true],
    ['area', true],
    ['mode', false],
    ['conce', false],
    ['lea', false],
    ['ba', false],
    ['retu', false],
    ['cai', false],
  ])('after %j a remnant: %s', (word, remnant) => {
    expect(isRemnantAfter(word)).toBe(remnant);
  });

  it('gives the engine the words a remnant was glued to, and the words as surfaces', () => {
    const text = 'Minor Worksrn Completion; maintenancern of sweepersrnLot 3, ITrn support.rn';
    expect(analyseText(text)).toEqual(analyseText('Minor Works Completion; maintenance of sweepers Lot 3, IT support.'));
    expect(analyseToStemIdsWithSurfaces(text).surfaces).toEqual(['minor', 'works', 'completion', 'maintenance', 'sweepers', 'lot', 'it', 'support']);
  });

  it('leaves the natural-compatible analysis as natural tokenises', () => {
    expect(analyseText('Minor Worksrn Completion sweepersrnLot', NATURAL_COMPATIBLE)).toEqual(['minor', 'worksrn', 'complet', 'sweepersrnlot']);
  });
});
