/**
 * `npm run eval:matching`: ranking quality of the matching engine on the labelled set in this folder
 * (see README.md beside this file), next to a plain TF-IDF cosine baseline given the same inputs.
 *
 * For each labelled tender: the engine's `topMatches(need, 100)` over every supplier profile, and the
 * baseline's best 100 by cosine; the rank of the first relevant supplier gives MRR (1/rank, 0 when
 * none is in the top 100), hit@1 and hit@10. Then the same figures on a proxy for award records
 * (buyerProxy). Output is deterministic: no timings, no randomness, ties broken by supplierId.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MatchingIndex } from 'src/matching/domain/matching-index';
import type { NeedInput, SupplierProfileInput } from 'src/matching/domain/matching.types';
import { analyseText } from 'src/matching/domain/text-analysis';

const TOP_K = 100;
const WORST_SHOWN = 12;

interface EvalTender {
  ocid: string;
  releaseId: string | null;
  buyer: string;
  title: string;
  description: string;
  cpvCodes: string[];
  value: { amount: number; currency: string } | null;
  nation: 'wales' | 'scotland';
}

interface EvalSupplier extends SupplierProfileInput {
  name: string;
  size: 'sme' | 'large';
}

interface LabelledQuery {
  ocid: string;
  title: string;
  relevant: string[];
  tags: string[];
}

interface Labels {
  labellingRule: string;
  queries: LabelledQuery[];
  excluded: { ocid: string; reason: string }[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as T;
}

/** Only the fields the engine defines: the authoring metadata (name, size) is not scored. */
function toProfile(s: EvalSupplier): SupplierProfileInput {
  return {
    supplierId: s.supplierId,
    summary: s.summary,
    capabilities: s.capabilities,
    caseStudies: s.caseStudies.map((c) => ({ title: c.title, description: c.description })),
    cpvCodes: s.cpvCodes,
    certifications: s.certifications,
    regions: s.regions,
    maxContractValue: s.maxContractValue,
  };
}

/**
 * A tender as a need. OCDS `tender.value` is "the total upper estimated value of the procurement"
 * (often a multi-supplier framework), i.e. a ceiling, not the minimum contract size a supplier must
 * be able to take on, so it is not used as budgetMin. Tenders carry no structured certification
 * requirements or essential requirements.
 */
function toNeed(t: EvalTender): NeedInput {
  return {
    needId: t.ocid,
    title: t.title,
    description: t.description,
    essentialRequirements: [],
    cpvCodes: t.cpvCodes,
    regions: [t.nation],
    requiredCertifications: [],
    budgetMin: null,
  };
}

/** The text a plain bag-of-words sees: every free-text field of the profile, one document. */
function profileText(p: SupplierProfileInput): string {
  return [p.summary, ...p.capabilities, ...p.caseStudies.flatMap((c) => [c.title, c.description])].join('\n');
}

function needText(n: NeedInput): string {
  return [n.title, n.description, ...n.essentialRequirements].join('\n');
}

function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of analyseText(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * Plain TF-IDF cosine: raw term frequency × ln(N / df), cosine between need and profile vectors.
 * Terms come from the engine's analyser so the comparison is about ranking, not tokenising. No
 * CPV, no eligibility, no field weights. Profiles with cosine 0 are not retrieved.
 */
class TfIdfCosine {
  private readonly docs: { id: string; weights: Map<string, number>; norm: number }[] = [];
  private readonly idf = new Map<string, number>();

  constructor(profiles: readonly SupplierProfileInput[]) {
    const counts = profiles.map((p) => ({ id: p.supplierId, counts: termCounts(profileText(p)) }));
    const df = new Map<string, number>();
    for (const { counts: c } of counts) for (const term of c.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const n = profiles.length;
    for (const [term, d] of df) this.idf.set(term, Math.log(n / d));
    for (const { id, counts: c } of counts) {
      const weights = new Map<string, number>();
      let sq = 0;
      for (const [term, tf] of c) {
        const w = tf * (this.idf.get(term) ?? 0);
        if (w === 0) continue;
        weights.set(term, w);
        sq += w * w;
      }
      this.docs.push({ id, weights, norm: Math.sqrt(sq) });
    }
  }

  top(need: NeedInput, k: number): string[] {
    const q = new Map<string, number>();
    let sq = 0;
    for (const [term, tf] of termCounts(needText(need))) {
      const w = tf * (this.idf.get(term) ?? 0);
      if (w === 0) continue;
      q.set(term, w);
      sq += w * w;
    }
    const qNorm = Math.sqrt(sq);
    if (qNorm === 0) return [];
    const scored: { id: string; score: number }[] = [];
    for (const doc of this.docs) {
      if (doc.norm === 0) continue;
      let dot = 0;
      for (const [term, w] of q) dot += w * (doc.weights.get(term) ?? 0);
      if (dot > 0) scored.push({ id: doc.id, score: dot / (qNorm * doc.norm) });
    }
    scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return scored.slice(0, k).map((s) => s.id);
  }
}

/** 1-based rank of the first relevant supplier in a ranking, or null when none is there. */
function firstRelevantRank(ranking: readonly string[], relevant: ReadonlySet<string>): number | null {
  const index = ranking.findIndex((id) => relevant.has(id));
  return index === -1 ? null : index + 1;
}

interface Metrics {
  queries: number;
  mrr: number;
  hit1: number;
  hit10: number;
}

function metrics(ranks: readonly (number | null)[]): Metrics {
  let rr = 0;
  let h1 = 0;
  let h10 = 0;
  for (const r of ranks) {
    if (r === null) continue;
    rr += 1 / r;
    if (r <= 1) h1++;
    if (r <= 10) h10++;
  }
  const n = ranks.length;
  return { queries: n, mrr: rr / n, hit1: h1 / n, hit10: h10 / n };
}

function validate(tenders: EvalTender[], suppliers: EvalSupplier[], labels: Labels): void {
  const supplierIds = new Set(suppliers.map((s) => s.supplierId));
  if (supplierIds.size !== suppliers.length) throw new Error('duplicate supplierId in suppliers.json');
  const ocids = new Set(tenders.map((t) => t.ocid));
  if (ocids.size !== tenders.length) throw new Error('duplicate ocid in tenders.json');
  const seen = new Set<string>();
  for (const q of labels.queries) {
    if (!ocids.has(q.ocid)) throw new Error(`labels.json: unknown tender ${q.ocid}`);
    if (seen.has(q.ocid)) throw new Error(`labels.json: ${q.ocid} labelled twice`);
    seen.add(q.ocid);
    if (q.relevant.length === 0) throw new Error(`labels.json: ${q.ocid} has no relevant supplier`);
    for (const id of q.relevant) if (!supplierIds.has(id)) throw new Error(`labels.json: unknown supplier ${id}`);
  }
  for (const e of labels.excluded) {
    if (seen.has(e.ocid)) throw new Error(`labels.json: ${e.ocid} both labelled and excluded`);
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const rankText = (r: number | null) => (r === null ? `>${TOP_K}` : String(r));

function main(): void {
  const tenders = readJson<EvalTender[]>('tenders.json');
  const suppliers = readJson<EvalSupplier[]>('suppliers.json');
  const labels = readJson<Labels>('labels.json');
  validate(tenders, suppliers, labels);
  const tenderByOcid = new Map(tenders.map((t) => [t.ocid, t]));
  const profiles = suppliers.map(toProfile);

  const index = new MatchingIndex();
  for (const p of profiles) index.upsert(p);
  index.refresh();
  const baseline = new TfIdfCosine(profiles);

  const rows = labels.queries.map((q) => {
    const need = toNeed(tenderByOcid.get(q.ocid) as EvalTender);
    const relevant = new Set(q.relevant);
    const ours = index.topMatches(need, TOP_K).map((m) => m.supplierId);
    return {
      q,
      ours: firstRelevantRank(ours, relevant),
      base: firstRelevantRank(baseline.top(need, TOP_K), relevant),
    };
  });

  const pairs = labels.queries.reduce((n, q) => n + q.relevant.length, 0);
  console.log('Matching quality on the labelled set (bench/eval/README.md)');
  console.log(
    `  ${suppliers.length} supplier profiles, ${rows.length} labelled tenders (${pairs} relevant pairs), ` +
      `${labels.excluded.length} tenders excluded; ranking depth ${TOP_K}`,
  );
  console.log('');
  const header = `  ${'scorer'.padEnd(24)}${'queries'.padStart(8)}${'MRR'.padStart(8)}${'hit@1'.padStart(8)}${'hit@10'.padStart(8)}`;
  const line = (name: string, m: Metrics) =>
    `  ${name.padEnd(24)}${String(m.queries).padStart(8)}${m.mrr.toFixed(3).padStart(8)}${pct(m.hit1).padStart(8)}${pct(m.hit10).padStart(8)}`;
  console.log(header);
  console.log(line('ours (MatchingIndex)', metrics(rows.map((r) => r.ours))));
  console.log(line('TF-IDF cosine baseline', metrics(rows.map((r) => r.base))));

  // The same figures on the hard cases named in labels.json, for tuning.
  const tags = [...new Set(labels.queries.flatMap((q) => q.tags))].sort();
  if (tags.length > 0) {
    console.log('');
    console.log(`  by tag (MRR ours / baseline)`);
    for (const tag of tags) {
      const subset = rows.filter((r) => r.q.tags.includes(tag));
      const o = metrics(subset.map((r) => r.ours));
      const b = metrics(subset.map((r) => r.base));
      console.log(`    ${tag.padEnd(22)}${String(subset.length).padStart(4)} queries  ${o.mrr.toFixed(3)} / ${b.mrr.toFixed(3)}`);
    }
  }

  const worst = [...rows]
    .sort((a, b) => (b.ours ?? Infinity) - (a.ours ?? Infinity) || (a.q.ocid < b.q.ocid ? -1 : 1))
    .filter((r) => r.ours === null || r.ours > 1)
    .slice(0, WORST_SHOWN);
  console.log('');
  console.log(`  worst queries for our scorer (rank of first relevant supplier; baseline in brackets)`);
  for (const r of worst) {
    const title = r.q.title.length > 70 ? `${r.q.title.slice(0, 67)}...` : r.q.title;
    console.log(`    ${rankText(r.ours).padStart(4)} (${rankText(r.base).padStart(4)})  ${title}  [${r.q.ocid}]`);
  }

  const proxy = buyerProxy(tenders);
  console.log('');
  console.log('Proxy for award records: which buyer published a tender, from its other tenders (README.md)');
  console.log(`  ${proxy.buyers} buyers as profiles, ${proxy.queries} tenders of the ${proxy.askedBuyers} buyers with two or more`);
  console.log('');
  console.log(header);
  console.log(line('ours (MatchingIndex)', metrics(proxy.ours)));
  console.log(line('TF-IDF cosine baseline', metrics(proxy.base)));
}

/**
 * Leave-one-out buyer identification, the nearest this folder's data comes to the held-out task of
 * issue 4 (a tender → the supplier that won it, from that supplier's other awards): each buyer is a
 * profile made of its other tenders (as case studies, with their CPV codes and nations), and each
 * tender of a buyer with two or more asks which buyer published it. The buyer's name is taken out
 * of every text, so that it is not the answer.
 */
interface ProxyRanks {
  buyers: number;
  askedBuyers: number;
  queries: number;
  ours: (number | null)[];
  base: (number | null)[];
}

function buyerProxy(tenders: readonly EvalTender[]): ProxyRanks {
  const byBuyer = new Map<string, EvalTender[]>();
  for (const t of tenders) byBuyer.set(t.buyer, [...(byBuyer.get(t.buyer) ?? []), t]);
  const buyers = [...byBuyer.keys()].sort();
  const withoutName = (text: string, buyer: string) => text.split(buyer).join(' ');
  const profileOf = (buyer: string, left: readonly EvalTender[]): SupplierProfileInput => ({
    supplierId: buyer,
    summary: '',
    capabilities: [],
    caseStudies: left.map((t) => ({ title: withoutName(t.title, buyer), description: withoutName(t.description, buyer) })),
    cpvCodes: [...new Set(left.flatMap((t) => t.cpvCodes))],
    certifications: [],
    regions: [...new Set(left.map((t) => t.nation))],
    maxContractValue: null,
  });
  const ours: (number | null)[] = [];
  const base: (number | null)[] = [];
  let askedBuyers = 0;
  for (const buyer of buyers) {
    const own = byBuyer.get(buyer) as EvalTender[];
    if (own.length < 2) continue;
    askedBuyers++;
    for (const asked of own) {
      const profiles = buyers
        .map((b) => profileOf(b, (byBuyer.get(b) as EvalTender[]).filter((t) => t !== asked)))
        .filter((p) => p.caseStudies.length > 0);
      const index = new MatchingIndex();
      for (const p of profiles) index.upsert(p);
      index.refresh();
      const need = { ...toNeed(asked), title: withoutName(asked.title, buyer), description: withoutName(asked.description, buyer) };
      const answer = new Set([buyer]);
      ours.push(firstRelevantRank(index.topMatches(need, TOP_K).map((m) => m.supplierId), answer));
      base.push(firstRelevantRank(new TfIdfCosine(profiles).top(need, TOP_K), answer));
    }
  }
  return { buyers: buyers.length, askedBuyers, queries: ours.length, ours, base };
}

main();
