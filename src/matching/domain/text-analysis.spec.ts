import {
  analyseText,
  clearAnalysisCache,
  foldAccents,
  forEachTerm,
  NATURAL_COMPATIBLE,
  tokenizeAndStem,
} from 'src/matching/domain/text-analysis';

interface NaturalPorterStemmer {
  tokenizeAndStem(text: string): string[];
}
// The reference implementation, reached the same way the module under test reaches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const natural = require('natural/lib/natural/stemmers/porter_stemmer') as NaturalPorterStemmer;

// Words chosen to exercise the tokenizer and stemmer: inflections, stop words, single letters and
// digits, hyphens, slashes, apostrophes, underscores, capitals, Object.prototype names.
const WORDS = [
  'The', 'supplier', "supplier's", 'suppliers', 'services', 'SERVICES', 'delivered', 'delivering', 'delivery',
  'e-government', 'cyber-security', 'and/or', '24/7', "don't", "'quoted'", '-dash-', 'IT', 'it', 'AI', 'GIS',
  'HR', 'NHS', 'a', 'I', 'x', '1', '42', '2024/25', 'constructor', '__proto__', 'toString', 'hasOwnProperty',
  'valueOf', 'isPrototypeOf', 'relational', 'conditional', 'rational', 'valenci', 'hesitanci', 'digitizer',
  'conformabli', 'radicalli', 'differentli', 'vileli', 'analogousli', 'vietnamization', 'predication',
  'operator', 'feudalism', 'decisiveness', 'hopefulness', 'callousness', 'formaliti', 'sensitiviti',
  'sensibiliti', 'triplicate', 'formative', 'formalize', 'electriciti', 'electrical', 'hopeful', 'goodness',
  'revival', 'allowance', 'inference', 'airliner', 'gyroscopic', 'adjustable', 'defensible', 'irritant',
  'replacement', 'adjustment', 'dependent', 'adoption', 'homologou', 'communism', 'activate', 'angulariti',
  'homologous', 'effective', 'bowdlerize', 'probate', 'rate', 'cease', 'controll', 'roll', 'caresses',
  'ponies', 'ties', 'caress', 'cats', 'feed', 'agreed', 'plastered', 'bled', 'motoring', 'sing', 'conflated',
  'troubled', 'sized', 'hopping', 'tanned', 'falling', 'hissing', 'fizzed', 'failing', 'filing', 'happy', 'sky',
  'data_platform', 'user-centred', 'co-operate', 'email:', 'www.example.gov.uk', 'x/y/z', "o'neill", 'mid-2024',
];
const SEPARATORS = [' ', ' ', ' ', ', ', '. ', '; ', '\n', '\t', ' (', ') ', ' - ', ' & ', '  ', ': ', '!'];

function sentences(count: number): string[] {
  // Deterministic LCG: the test must not depend on chance.
  let state = 12345;
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % n;
  };
  const out: string[] = [];
  for (let s = 0; s < count; s++) {
    const length = 1 + next(25);
    let text = next(4) === 0 ? ' ' : '';
    for (let w = 0; w < length; w++) {
      text += WORDS[next(WORDS.length)];
      text += SEPARATORS[next(SEPARATORS.length)];
    }
    out.push(text);
  }
  return out;
}

describe('tokenizeAndStem', () => {
  it("produces exactly natural's tokens on 400 generated ASCII sentences", () => {
    const texts = sentences(400);
    for (const text of texts) expect(tokenizeAndStem(text)).toEqual(natural.tokenizeAndStem(text));
  });

  it("still matches natural after its cache is cleared (the cache never changes a result)", () => {
    const texts = sentences(50);
    const before = texts.map((text) => tokenizeAndStem(text));
    clearAnalysisCache();
    expect(texts.map((text) => tokenizeAndStem(text))).toEqual(before);
    expect(before).toEqual(texts.map((text) => natural.tokenizeAndStem(text)));
  });

  it.each([
    ['', []],
    ['   ', []],
    ['the and of', []],
    ['Cloud', ['cloud']],
  ])('analyses %j as %j', (text, expected) => {
    expect(tokenizeAndStem(text)).toEqual(expected);
  });
});

describe('analyseText (the engine’s analyser)', () => {
  it('is natural plus the parts of hyphenated, slashed and possessive words', () => {
    // ('e' and 'it' are stop words; 's' is a single letter.)
    expect(analyseText("e-government/IT supplier's cyber-security", { acronyms: false })).toEqual([
      'e-government/it', 'govern', "supplier'", 'supplier', 'cyber-secur', 'cyber', 'secur',
    ]);
  });

  it('gives hyphenated and spaced spellings shared terms', () => {
    const spaced = new Set(analyseText('cyber security'));
    for (const term of spaced) expect(analyseText('cyber-security')).toContain(term);
  });

  it.each([
    ['IT services', ['it', 'servic']],
    ['it services', ['servic']],
    ['It services', ['servic']],
    ['e-Government/IT', ['e-government/it', 'govern', 'it']],
    ['AI and GIS for HR', ['ai', 'gi', 'hr']],
  ])('keeps useful acronyms: %j → %j', (text, expected) => {
    expect(analyseText(text)).toEqual(expected);
  });

  it('is natural exactly when compound parts and acronyms are switched off', () => {
    for (const text of sentences(100)) {
      expect(analyseText(text, NATURAL_COMPATIBLE)).toEqual(natural.tokenizeAndStem(text));
    }
  });

  it.each([
    ['café', ['cafe']],
    ['Café naïve', ['cafe', 'naiv']],
    ['cafe\u0301', ['cafe']],
    ['Straße', ['strass']],
    ['Ærø', ['aero']],
    ['children’s services', ["children'", 'children', 'servic']],
    ['£50,000 – 2024', ['50', '000', '2024']],
    ['Gŵyl Dewi, Tŷ Hywel', ['gwyl', 'dewi', 'ty', 'hywel']],
  ])('folds accents deliberately: %j → %j', (text, expected) => {
    expect(analyseText(text)).toEqual(expected);
  });

  it('analyses words too long to pack, and mixed-script words, as natural does', () => {
    // Tokens of more than 15 characters, or with letters beyond ASCII, are cached by their text.
    const text =
      'Internationalisation responsibilities: TELECOMMUNICATIONS, interoperability and ' +
      'counter-terrorism-financing/anti-money-laundering for supercalifragilisticexpialidocious councils';
    expect(analyseText(text, NATURAL_COMPATIBLE)).toEqual(natural.tokenizeAndStem(text));
    expect(analyseText(text, NATURAL_COMPATIBLE)).toEqual(natural.tokenizeAndStem(text));
    const [stem] = natural.tokenizeAndStem('internationalisation');
    expect(analyseText('Ελληνικά internationalisation ελληνικά')).toEqual(['ελληνικα', stem, 'ελληνικα']);
  });

  it('keeps letters of other scripts as words instead of dropping them', () => {
    expect(analyseText('Δεδομένα данные')).toEqual(['δεδομενα', 'данные']);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__'])(
    'treats %j as an ordinary word',
    (word) => {
      const terms = analyseText(`${word} ${word}`);
      expect(terms).toHaveLength(2);
      expect(terms[0]).toBe(terms[1]);
      expect(typeof terms[0]).toBe('string');
    },
  );

  it('reports the word each term came from', () => {
    const seen: [string, string][] = [];
    forEachTerm('Delivering e-Procurement', (stem, surface) => seen.push([stem, surface]));
    expect(seen).toEqual([
      ['deliv', 'delivering'],
      ['e-procur', 'e-procurement'],
      ['procur', 'procurement'],
    ]);
  });
});

describe('foldAccents', () => {
  it.each([
    ['plain ascii', 'plain ascii'],
    ['Crème brûlée', 'Creme brulee'],
    ['ﬁnance', 'finance'],
    ['‘quoted’', "'quoted'"],
  ])('%j → %j', (text, expected) => {
    expect(foldAccents(text)).toBe(expected);
  });
});
