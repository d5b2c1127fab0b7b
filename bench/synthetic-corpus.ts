// Deterministic synthetic corpus for the matching benchmark: supplier profiles and procurement needs
// with realistic lengths, a Zipf-distributed general vocabulary and public-sector domain phrases.
// The same seed always yields the same corpus (own PRNG; Math.random is never used).

import type { NeedInput, SupplierProfileInput } from 'src/matching/domain/matching.types';

/** sfc32: small, fast, well-distributed 32-bit generator; seeded through splitmix32. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface Topic {
  name: string;
  cpv: readonly string[];
  phrases: readonly string[];
}

// Hand-written domain phrases; each topic also owns a few CPV codes of its trade.
const TOPICS: readonly Topic[] = [
  {
    name: 'digital',
    cpv: ['72000000-5', '72212000-4', '72222300-0', '72413000-8', '79411000-8', '72224000-1'],
    phrases: [
      'user research', 'service design', 'agile delivery', 'digital transformation', 'GOV.UK design system',
      'accessibility audit', 'WCAG 2.2 compliance', 'content design', 'product management', 'discovery and alpha',
      'beta and live service', 'interaction design', 'front-end development', 'citizen-facing services',
      'digital service standard', 'user-centred design', 'prototype testing', 'case management system',
      'legacy modernisation', 'open source software', 'API development', 'microservices architecture',
    ],
  },
  {
    name: 'cloud',
    cpv: ['72000000-5', '72310000-1', '72317000-0', '72510000-3', '48800000-6', '72415000-2'],
    phrases: [
      'cloud hosting', 'cloud migration', 'infrastructure as code', 'managed service', 'DevOps pipelines',
      'site reliability engineering', 'Kubernetes platform', 'AWS and Azure', 'disaster recovery',
      'service desk', 'IT support', 'network infrastructure', 'data centre exit', 'identity and access management',
      'monitoring and alerting', 'container platform', 'serverless applications', 'hybrid cloud',
    ],
  },
  {
    name: 'data',
    cpv: ['72300000-8', '72316000-3', '72320000-4', '48600000-4', '79311000-7', '72212300-7'],
    phrases: [
      'data platform', 'data engineering', 'data science', 'machine learning', 'AI models', 'business intelligence',
      'dashboards and reporting', 'data warehouse', 'GIS mapping', 'geospatial analysis', 'open data',
      'data governance', 'master data management', 'predictive analytics', 'natural language processing',
      'statistical analysis', 'data quality', 'performance analytics',
    ],
  },
  {
    name: 'cyber',
    cpv: ['72000000-5', '79714000-2', '72212730-5', '48730000-4', '72150000-1'],
    phrases: [
      'cyber security', 'penetration testing', 'security operations centre', 'threat intelligence',
      'vulnerability management', 'incident response', 'Cyber Essentials Plus', 'ISO 27001 certification',
      'security architecture', 'zero trust', 'IT health check', 'secure by design', 'protective monitoring',
    ],
  },
  {
    name: 'construction',
    cpv: ['45000000-7', '45210000-2', '45260000-7', '45453000-7', '45400000-1', '71000000-8', '45310000-3'],
    phrases: [
      'building refurbishment', 'new build construction', 'school extension', 'roofing works', 'mechanical and electrical',
      'asbestos removal', 'structural repairs', 'modular buildings', 'principal contractor', 'CDM regulations',
      'net zero retrofit', 'planned maintenance', 'reactive repairs', 'civil engineering', 'groundworks',
      'social housing repairs', 'fire safety works', 'window replacement',
    ],
  },
  {
    name: 'highways',
    cpv: ['45233141-9', '45233000-9', '34992000-7', '45316000-5', '90620000-9', '71311000-1'],
    phrases: [
      'highways maintenance', 'road resurfacing', 'street lighting', 'traffic management', 'winter gritting',
      'bridge inspection', 'drainage works', 'footway repairs', 'traffic signals', 'road markings',
      'active travel schemes', 'cycle lanes', 'pothole repairs', 'structures maintenance',
    ],
  },
  {
    name: 'health',
    cpv: ['85100000-0', '85121000-3', '85140000-2', '33100000-1', '85323000-9', '33600000-6'],
    phrases: [
      'clinical services', 'community health', 'primary care', 'mental health support', 'NHS trusts',
      'patient pathways', 'diagnostic imaging', 'medical devices', 'pharmacy services', 'public health programmes',
      'health visiting', 'sexual health services', 'substance misuse', 'occupational health', 'electronic patient record',
      'clinical safety', 'telehealth', 'waiting list reduction',
    ],
  },
  {
    name: 'care',
    cpv: ['85300000-2', '85311000-2', '85312000-9', '85320000-8', '98000000-3'],
    phrases: [
      'adult social care', 'domiciliary care', 'residential care', 'supported living', 'children’s services',
      'foster care', 'safeguarding', 'care packages', 'reablement', 'learning disabilities', 'carers support',
      'homelessness prevention', 'housing support', 'early help',
    ],
  },
  {
    name: 'education',
    cpv: ['80000000-4', '80500000-9', '80530000-8', '80420000-4', '80300000-7'],
    phrases: [
      'training courses', 'e-learning', 'apprenticeships', 'leadership development', 'skills bootcamps',
      'curriculum design', 'special educational needs', 'further education', 'higher education', 'digital skills',
      'coaching and mentoring', 'learning management system',
    ],
  },
  {
    name: 'facilities',
    cpv: ['90910000-9', '79710000-4', '50700000-2', '90500000-2', '77310000-6', '55520000-1'],
    phrases: [
      'facilities management', 'cleaning services', 'security guarding', 'waste management', 'grounds maintenance',
      'catering services', 'hard FM', 'soft FM', 'building management systems', 'recycling collection',
      'pest control', 'reception services',
    ],
  },
  {
    name: 'consultancy',
    cpv: ['79400000-8', '79410000-1', '79411000-8', '73000000-2', '79419000-4'],
    phrases: [
      'management consultancy', 'business case development', 'programme management', 'change management',
      'benefits realisation', 'options appraisal', 'procurement advice', 'commercial strategy', 'independent evaluation',
      'organisational design', 'policy research', 'social value', 'HR transformation', 'workforce planning',
    ],
  },
  {
    name: 'transport',
    cpv: ['60100000-9', '60112000-6', '34144900-7', '60130000-8', '63712000-7'],
    phrases: [
      'passenger transport', 'school transport', 'fleet management', 'electric vehicles', 'EV charging points',
      'bus services', 'demand responsive transport', 'vehicle maintenance', 'community transport', 'journey planning',
    ],
  },
];

const CLIENTS = [
  'a county council', 'an NHS trust', 'a central government department', 'a housing association', 'a university',
  'a combined authority', 'a police force', 'a fire and rescue service', 'a district council', 'an arm’s-length body',
];
const CERTIFICATIONS = ['cyber-essentials', 'cyber-essentials-plus', 'iso-27001', 'iso-9001', 'iso-14001', 'chas', 'constructionline'];
const REGIONS = [
  'north-east', 'north-west', 'yorkshire-and-the-humber', 'east-midlands', 'west-midlands', 'east-of-england',
  'london', 'south-east', 'south-west', 'wales', 'scotland', 'northern-ireland',
];

// Common English function words: natural text is about 40 % of these.
const FUNCTION_WORDS = (
  'the of and to a in for is on that by with as at from this be are we our an will have has which it its ' +
  'or their was were been into across within over through more also such these both each other all can'
).split(' ');

// The head of the general vocabulary is real business English; the long tail is made-up words.
const COMMON_WORDS = (
  'service services delivery support project projects team teams public sector council councils local authority ' +
  'government department organisation organisations management managed provide provided providing experience ' +
  'working work worked partner partners partnership contract contracts framework value quality improve improved ' +
  'improvement improvements outcomes outcome users user customers residents community communities staff people ' +
  'approach approaches solution solutions system systems process processes plan planning strategy strategic ' +
  'programme programmes performance reporting standards compliance requirements requirement specialist specialists ' +
  'expertise experienced deliver delivered delivering across national regional including ensure ensuring ' +
  'effective efficient efficiency cost costs savings budget time timely years year successful successfully ' +
  'development developed developing design designed implementation implemented implement review reviews ' +
  'assessment assessments operational operations capability capabilities capacity resources resource range ' +
  'wide high key new existing current future business businesses stakeholders stakeholder engagement ' +
  'innovative innovation technology technical information data digital online access accessible secure ' +
  'safety health wellbeing social environmental sustainable sustainability carbon energy local regional ' +
  'training skills knowledge continuous collaborative collaboration transparent accountable evidence ' +
  'monitoring evaluation quality-assured best practice lessons learned risk risks issues governance ' +
  'budgets funding investment market markets small medium enterprises sme smes supply chain chains ' +
  'response responsive flexible scalable reliable robust resilient modern legacy transformation change ' +
  'changes benefit benefits impact impacts measurable targets target milestones phase phases stage stages'
).split(' ');

const SYLLABLES = [
  'ka', 'lo', 'ver', 'tin', 'mar', 'sel', 'dro', 'pen', 'qua', 'rix', 'zo', 'lum', 'tra', 'bel', 'cor', 'fen',
  'gal', 'hol', 'jin', 'mes', 'nor', 'pal', 'ros', 'sul', 'tor', 'ul', 'vin', 'wes', 'yor', 'ent', 'ist', 'ion',
];

/**
 * What one supplier or need writes about: a few phrases of a topic. Suppliers specialise (a cloud
 * firm does not write about every IT service), which keeps each phrase's document frequency near
 * what real corpora show (a few per cent) instead of the whole topic's share.
 */
interface Focus {
  phrases: string[];
  /** Words per phrase, so that prose lengths count words, not picks. */
  words: number[];
  cpv: readonly string[];
}

function inventWord(index: number): string {
  // Mixed-radix spelling of the index: every index gives a distinct word of 2–4 syllables.
  let word = '';
  let n = index + SYLLABLES.length;
  while (n > 0) {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return word;
}

/** Samples ranks 0..size-1 with P(rank r) ∝ 1/(r+1)^s, by binary search over the cumulative sum. */
class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(size: number, exponent: number) {
    this.cumulative = new Float64Array(size);
    let sum = 0;
    for (let r = 0; r < size; r++) {
      sum += 1 / Math.pow(r + 1, exponent);
      this.cumulative[r] = sum;
    }
    for (let r = 0; r < size; r++) this.cumulative[r] /= sum;
  }

  sample(random: SeededRandom): number {
    const u = random.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface SyntheticCorpusOptions {
  seed: number;
  /** Size of the general vocabulary (Zipf-distributed). Default 60,000. */
  vocabularySize?: number;
  /** Zipf exponent of the general vocabulary. Default 1.05. */
  zipfExponent?: number;
}

/** Generates profiles and needs; each call continues the same deterministic stream. */
export class SyntheticCorpus {
  private readonly random: SeededRandom;
  private readonly vocabulary: string[];
  private readonly zipf: ZipfSampler;
  private profileCounter = 0;
  private needCounter = 0;

  constructor(options: SyntheticCorpusOptions) {
    this.random = new SeededRandom(options.seed);
    const size = options.vocabularySize ?? 60_000;
    this.vocabulary = [...COMMON_WORDS];
    for (let i = 0; this.vocabulary.length < size; i++) this.vocabulary.push(inventWord(i));
    this.zipf = new ZipfSampler(size, options.zipfExponent ?? 1.05);
  }

  private word(): string {
    return this.vocabulary[this.zipf.sample(this.random)];
  }

  /** Prose of about `words` words mixing function words, the topics' phrases and general vocabulary. */
  private prose(focuses: readonly Focus[], words: number): string {
    const r = this.random;
    const parts: string[] = [];
    let written = 0;
    let sentenceLeft = r.int(8, 22);
    while (written < words) {
      const u = r.next();
      let piece: string;
      if (u < 0.4) {
        piece = FUNCTION_WORDS[r.int(0, FUNCTION_WORDS.length - 1)];
        written++;
      } else if (u < 0.6) {
        const focus = r.pick(focuses);
        const at = r.int(0, focus.phrases.length - 1);
        piece = focus.phrases[at];
        written += focus.words[at];
      } else if (u < 0.62) {
        // Now and then a phrase from anywhere: prose strays.
        piece = r.pick(r.pick(TOPICS).phrases);
        written += piece.split(' ').length;
      } else {
        piece = this.word();
        written++;
      }
      if (--sentenceLeft <= 0) {
        piece += '.';
        sentenceLeft = r.int(8, 22);
      }
      parts.push(piece);
    }
    if (parts.length === 0) return '';
    parts[0] = parts[0].charAt(0).toUpperCase() + parts[0].slice(1);
    const text = parts.join(' ');
    return text.endsWith('.') ? text : `${text}.`;
  }

  private focus(topic: Topic, min: number, max: number): Focus {
    const r = this.random;
    const phrases = new Set<string>();
    const count = r.int(min, max);
    while (phrases.size < Math.min(count, topic.phrases.length)) phrases.add(r.pick(topic.phrases));
    const list = [...phrases];
    return { phrases: list, words: list.map((phrase) => phrase.split(' ').length), cpv: topic.cpv };
  }

  private focusesFor(): Focus[] {
    const r = this.random;
    const first = this.focus(r.pick(TOPICS), 3, 7);
    return r.chance(0.45) ? [first, this.focus(r.pick(TOPICS), 2, 5)] : [first];
  }

  private cpvFor(focuses: readonly Focus[], count: number): string[] {
    const codes = new Set<string>();
    for (let i = 0; i < count; i++) codes.add(this.random.pick(this.random.pick(focuses).cpv));
    return [...codes];
  }

  private regionsFor(): string[] {
    const r = this.random;
    if (r.chance(0.35)) return ['uk-wide'];
    const regions = new Set<string>();
    const count = r.int(1, 4);
    for (let i = 0; i < count; i++) regions.add(r.pick(REGIONS));
    return [...regions];
  }

  /** A supplier profile of 150–600 words (uniform). */
  profile(): SupplierProfileInput {
    const r = this.random;
    const focuses = this.focusesFor();
    const id = this.profileCounter++;
    const capabilities: string[] = [];
    const capabilityCount = r.int(4, 14);
    for (let i = 0; i < capabilityCount; i++) capabilities.push(r.pick(r.pick(focuses).phrases));
    const caseStudies: { title: string; description: string }[] = [];
    const caseStudyCount = r.int(1, 6);
    // Capabilities and titles take ~2.5 words each, the summary 25–80, the case-study
    // descriptions share the rest.
    const total = r.int(150, 600);
    const summaryWords = r.int(25, 80);
    const fixed = Math.round(capabilityCount * 2.5 + caseStudyCount * 6);
    const perCaseStudy = Math.max(20, Math.floor((total - summaryWords - fixed) / caseStudyCount));
    for (let i = 0; i < caseStudyCount; i++) {
      const focus = r.pick(focuses);
      caseStudies.push({
        title: `${r.pick(focus.phrases)} for ${r.pick(CLIENTS)}`,
        description: this.prose([focus], r.int(Math.floor(perCaseStudy * 0.8), Math.ceil(perCaseStudy * 1.2))),
      });
    }
    const certifications = CERTIFICATIONS.filter(() => r.chance(0.3));
    return {
      supplierId: `supplier-${String(id).padStart(6, '0')}`,
      summary: this.prose(focuses, summaryWords),
      capabilities,
      caseStudies,
      cpvCodes: this.cpvFor(focuses, r.int(1, 6)),
      certifications,
      regions: this.regionsFor(),
      maxContractValue: r.chance(0.3) ? null : r.int(1, 500) * 1_000_000,
    };
  }

  /**
   * Description lengths of real tender notices are skewed: in the Scotland/Wales OCDS sample the
   * median is 55 words and the 90th percentile about 140. A log-normal with those quantiles,
   * clamped to 10–400 words.
   */
  private needDescriptionWords(): number {
    const r = this.random;
    // Box–Muller from two uniforms; median e^μ = 55, e^(μ + 1.28σ) ≈ 140 → σ ≈ 0.73.
    const u = Math.max(r.next(), 1e-12);
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
    return Math.min(400, Math.max(10, Math.round(Math.exp(Math.log(55) + 0.73 * normal))));
  }

  /** A need: title of 4–9 words, a description of typical length (see above), 1–5 essential requirements. */
  need(): NeedInput {
    const r = this.random;
    const focus = this.focus(r.pick(TOPICS), 2, 5);
    const id = this.needCounter++;
    const requirements: string[] = [];
    const requirementCount = r.int(1, 5);
    for (let i = 0; i < requirementCount; i++) requirements.push(`Proven experience of ${r.pick(focus.phrases)}`);
    return {
      needId: `need-${String(id).padStart(6, '0')}`,
      title: `${r.pick(focus.phrases)} and ${r.pick(focus.phrases)} ${r.pick(['services', 'framework', 'contract', 'support', 'programme'])}`,
      description: this.prose([focus], this.needDescriptionWords()),
      essentialRequirements: requirements,
      cpvCodes: this.cpvFor([focus], r.int(1, 3)),
      regions: r.chance(0.4) ? [] : [r.pick(REGIONS)],
      requiredCertifications: r.chance(0.6) ? [] : [r.pick(CERTIFICATIONS)],
      budgetMin: r.chance(0.5) ? null : r.int(1, 200) * 1_000_000,
    };
  }

  /** Text of a profile as one string (for engines that take a single document). */
  static profileText(profile: SupplierProfileInput): string {
    return [
      profile.summary,
      profile.capabilities.join('. '),
      ...profile.caseStudies.map((caseStudy) => `${caseStudy.title}. ${caseStudy.description}`),
    ].join('\n');
  }

  /** Text of a need as one string. */
  static needText(need: NeedInput): string {
    return [need.title, ...need.essentialRequirements, need.description].join('\n');
  }
}
