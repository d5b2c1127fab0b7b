import { isRemnantAfter, mendGluedRemnants, withoutRemnant } from 'src/matching/domain/portal-remnants';
import { analyseText, analyseToStemIdsWithSurfaces, NATURAL_COMPATIBLE } from 'src/matching/domain/text-analysis';

// Real tender notices after a portal dropped the backslashes of \r\n.
describe('portal line-break remnants', () => {
  it.each([
    ['worksrn', 'works'],
    ['maintenancern', 'maintenance'],
    ['healthcarern', 'healthcare'],
    ['vehiclern', 'vehicle'],
    ['arearn', 'area'],
    ['datarn', 'data'],
    ['2025rnrn', '2025'],
    ['rn', ''],
    ['rgn/rn', 'rgn/'],
    ['modernrn', 'modern'],
    ['returnrnrn', 'return'],
    ['unconcernrn', 'unconcern'],
  ])('takes the remnant off %j', (token, word) => {
    expect(withoutRemnant(token)).toBe(word);
  });

  // English words, UK and Welsh places and names, and the parts of compounds.
  it.each([
    'modern', 'concern', 'discern', 'unconcern', 'return', 'learn', 'yearn', 'western', 'northern', 'pattern', 'govern', 'lantern',
    'born', 'sworn', 'springburn', 'cairn', 'barn', 'yarn', 'stern', 'fern', 'kern', 'hearn', 'quern', 'forewarn',
    'bern', 'osbern', 'bayern', 'luzern', 'mckern', 'wern', 'gwern', 'cadarn', 'gadarn', 'tafarn', 'ffwrn', 'dwrn', 'cyrn',
    'penygarn', 'penysarn', 'tithe-barn', 'cotton-yarn', 'stable/barn', 'pen-y-garn',
  ])('keeps the word %j', (word) => {
    expect(withoutRemnant(word)).toBe(word);
  });

  it.each([
    ['Compact sweepersrnLot 3', 'Compact sweepers  Lot 3'],
    ['Lot 1rnLot 2', 'Lot 1  Lot 2'],
    ['two lots.rnrnWe welcome', 'two lots.    We welcome'],
    ['WORKSrnCOMPLETION', 'WORKS  COMPLETION'],
    ['modernrnLot', 'modern  Lot'],
  ])('mends %j', (text, mended) => {
    expect(mendGluedRemnants(text)).toBe(mended);
  });

  it.each([
    'Guernsey Byrne government internal ModernGov ReturnOn turnover RNLI 1RN and Minor Worksrn Completion',
    'Old\u00a0Barn2 Site–Tarn3 tithe-barn2 BjørnA',
    'BİLİŞİMrnLot 2, İİİworksrnLot and DİYARBAKIRrn2',
  ])('leaves alone, without failing, %j', (text) => {
    const mended = mendGluedRemnants(text);
    expect(mended).toHaveLength(text.length);
    if (!text.startsWith('BİLİŞİM')) expect(mended).toBe(text);
  });

  it('mends long runs of glued remnants in time proportional to the text', () => {
    const text = 'srnA'.repeat(20_000);
    const started = process.hrtime.bigint();
    expect(mendGluedRemnants(text)).toBe('s  A'.repeat(20_000));
    // Generous: linear work takes about a millisecond; the quadratic walk it replaced took 1.3 s.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it.each([
    ['', true],
    ['works', true],
    ['2025', true],
    ['maintenance', true],
    ['refuse', true],
    ['area', true],
    ['rgn/', true],
    ['mode', false],
    ['conce', false],
    ['lea', false],
    ['ba', false],
    ['tithe-ba', false],
    ['retu', false],
    ['cai', false],
    ['gwe', false],
  ])('after %j a remnant: %s', (word, remnant) => {
    expect(isRemnantAfter(word)).toBe(remnant);
  });

  it('gives the engine the words a remnant was glued to, and the words as surfaces', () => {
    const text = 'Minor Worksrn Completion; maintenancern of sweepersrnLot 3, ITrn support.rn';
    expect(analyseText(text)).toEqual(analyseText('Minor Works Completion; maintenance of sweepers Lot 3, IT support.'));
    expect(analyseToStemIdsWithSurfaces(text).surfaces).toEqual(['minor', 'works', 'completion', 'maintenance', 'sweepers', 'lot', 'it', 'support']);
  });

  it('reads "RN" in capitals as a word, whichever spelling the analyser met first', () => {
    expect(analyseText('works rn')).toEqual(['work']);
    expect(analyseText('Agency RN and HCA staffing, RGN/RN')).toEqual(['agenc', 'rn', 'hca', 'staf', 'rgn/rn', 'rgn', 'rn']);
    expect(analyseText('one worksRN')).toEqual(['on', 'worksrn']);
    expect(analyseText('one worksrn')).toEqual(['on', 'work']);
  });

  it('leaves the natural-compatible analysis as natural tokenises', () => {
    expect(analyseText('Minor Worksrn Completion sweepersrnLot', NATURAL_COMPATIBLE)).toEqual(['minor', 'worksrn', 'complet', 'sweepersrnlot']);
  });
});
