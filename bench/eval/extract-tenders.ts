/**
 * One-off: copies the fields the evaluation uses from OCDS tender releases (JSON lines) into
 * bench/eval/tenders.json, so that `npm run eval:matching` never reads anything outside bench/eval.
 * Not run by the evaluation; kept so the copy can be checked against its source.
 *
 *   npx ts-node --transpile-only bench/eval/extract-tenders.ts <releases.jsonl> [out.json]
 *
 * Kept per release: ocid, release id (absent from about half of the releases), buyer name,
 * tender.title, tender.description, the distinct CPV codes of tender.classification and of
 * tender.items[].classification / additionalClassifications (CPV scheme only, in order of
 * appearance), tender.value, and the nation (Wales or Scotland) taken from the items' NUTS delivery
 * regions (UKL… Wales, UKM… Scotland), else from the publishing portal's OCID prefix.
 * Text is copied exactly as published (including the portals' stray `rn`/`t` escapes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Classification {
  scheme?: string;
  id?: string;
}
interface Release {
  id?: string;
  ocid: string;
  buyer?: { name?: string };
  tender: {
    title?: string;
    description?: string;
    classification?: Classification;
    value?: { amount?: number; currency?: string };
    items?: {
      classification?: Classification;
      additionalClassifications?: Classification[];
      deliveryAddresses?: { region?: string }[];
    }[];
  };
}

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

const PORTAL_NATION: Record<string, 'wales' | 'scotland'> = {
  'ocds-kuma6s': 'wales', // Sell2Wales
  'ocds-r6ebe6': 'scotland', // Public Contracts Scotland
};

function extract(release: Release): EvalTender {
  const t = release.tender;
  const codes: string[] = [];
  const add = (c: Classification | undefined) => {
    if (c?.scheme === 'CPV' && typeof c.id === 'string' && !codes.includes(c.id)) codes.push(c.id);
  };
  add(t.classification);
  const regions: string[] = [];
  for (const item of t.items ?? []) {
    add(item.classification);
    for (const c of item.additionalClassifications ?? []) add(c);
    for (const a of item.deliveryAddresses ?? []) if (a.region) regions.push(a.region);
  }
  let nation: 'wales' | 'scotland' | undefined;
  if (regions.some((r) => r.startsWith('UKL'))) nation = 'wales';
  else if (regions.some((r) => r.startsWith('UKM'))) nation = 'scotland';
  else nation = PORTAL_NATION[release.ocid.split('-').slice(0, 2).join('-')];
  if (nation === undefined) throw new Error(`No nation for ${release.ocid}`);
  const amount = t.value?.amount;
  return {
    ocid: release.ocid,
    releaseId: release.id ?? null,
    buyer: release.buyer?.name ?? '',
    title: t.title ?? '',
    description: t.description ?? '',
    cpvCodes: codes,
    value: typeof amount === 'number' ? { amount, currency: t.value?.currency ?? 'GBP' } : null,
    nation,
  };
}

function main(): void {
  const [input, output = join(__dirname, 'tenders.json')] = process.argv.slice(2);
  if (!input) throw new Error('usage: extract-tenders.ts <releases.jsonl> [out.json]');
  const tenders = readFileSync(input, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => extract(JSON.parse(line) as Release));
  writeFileSync(output, `${JSON.stringify(tenders, null, 1)}\n`);
  console.log(`${tenders.length} tenders written to ${output}`);
}

main();
