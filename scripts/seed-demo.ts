import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cpvCodes from 'src/reference-data/cpv-codes.json';

// npm run seed:demo — loads a realistic data set into a running service through its own API:
// two buyer organisations with buyers and reviewers, roadmap commitments with indicators, the 217
// hand-written supplier profiles of bench/eval (imported as JSON Lines), and the 180 real Scotland
// and Wales tender releases (imported as OCDS, then given a future deadline, linked to commitments
// and published). Safe to run twice: it reuses what it finds. Prints the accounts it created.

const BASE = (process.env.DEMO_BASE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const API = `${BASE}/api/v1`;
const ADMIN_EMAIL = process.env.ADMIN_EMAIL ?? 'admin@procurement-match.local';
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? 'change-me-admin-password';
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password-2026';
const ROOT = join(__dirname, '..');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': contentType }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function ok(method: string, path: string, token?: string, body?: unknown, contentType?: string): Promise<Json> {
  const res = await call(method, path, token, body, contentType);
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const login = async (email: string, password: string) => (await ok('POST', '/auth/login', undefined, { email, password })).accessToken as string;

async function organisation(admin: string, name: string): Promise<string> {
  const existing = await ok('GET', '/organisations?kind=buyer&pageSize=100', admin);
  const found = existing.items.find((o: Json) => o.name === name);
  return found ? found.id : (await ok('POST', '/organisations', admin, { kind: 'buyer', name })).id;
}

async function user(admin: string, email: string, role: string, organisationId: string): Promise<string> {
  const res = await call('POST', '/users', admin, { email, password: PASSWORD, role, organisationId });
  if (res.status !== 201 && res.status !== 409) throw new Error(`user ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return login(email, PASSWORD);
}

const COMMITMENTS = [
  { priority: 1, aims: ['easier-lives'], title: 'Join up public services around life events', indicator: ['Services joined up around a life event', 'services', 2, 12] },
  { priority: 2, aims: ['smarter-organisations'], title: 'Put safe AI tools in the hands of public servants', indicator: ['Staff with access to approved AI tools', '%', 10, 60] },
  { priority: 3, aims: ['firmer-foundations'], title: 'Retire the riskiest legacy systems', indicator: ['Critical legacy systems still in service', 'systems', 40, 10] },
  { priority: 4, aims: ['smarter-organisations'], title: 'Grow digital and data skills across the workforce', indicator: ['Staff trained in digital and data', 'people', 2000, 20000] },
  { priority: 5, aims: ['faster-growth', 'higher-productivity'], title: 'Buy outcomes, and open public contracts to SMEs', indicator: ['Share of contract value won by SMEs', '%', 20, 33] },
  { priority: 6, aims: ['firmer-foundations'], title: 'Publish every contract and its outcomes openly', indicator: ['Contracts published with outcome measures', '%', 15, 90] },
];

async function commitments(admin: string): Promise<string[]> {
  const existing = (await ok('GET', '/roadmap/commitments?pageSize=100', admin)).items as Json[];
  const ids: string[] = [];
  for (const c of COMMITMENTS) {
    let id = existing.find((e) => e.title === c.title)?.id;
    if (!id) {
      id = (
        await ok('POST', '/roadmap/commitments', admin, {
          priority: c.priority,
          aims: c.aims,
          title: c.title,
          description: `${c.title}, as set out in the Roadmap for a Modern Digital Government.`,
          leadDepartment: 'Government Digital Service',
          dueDate: '2028-03-31',
          status: 'in_progress',
        })
      ).id;
      const [name, unit, baseline, target] = c.indicator as [string, string, number, number];
      await ok('POST', `/roadmap/commitments/${id}/indicators`, admin, { name, unit, baseline, target, direction: target > baseline ? 'increase' : 'decrease' });
    }
    ids.push(id);
  }
  return ids;
}

async function waitForImport(token: string, id: string): Promise<Json> {
  for (;;) {
    const state = await ok('GET', `/imports/${id}`, token);
    if (state.status === 'completed' || state.status === 'failed') return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function supplierLines(): string {
  const fullCode = new Map((cpvCodes as [string, string][]).map(([code]) => [code.slice(0, 8), code]));
  const suppliers = JSON.parse(readFileSync(join(ROOT, 'bench', 'eval', 'suppliers.json'), 'utf8')) as Json[];
  return suppliers
    .map((s) =>
      JSON.stringify({
        externalId: `demo-${s.supplierId}`,
        name: s.name,
        isSme: s.size === 'sme',
        profile: {
          summary: s.summary,
          capabilities: s.capabilities,
          caseStudies: s.caseStudies,
          cpvCodes: [...new Set((s.cpvCodes as string[]).map((code) => fullCode.get(code.slice(0, 8))).filter(Boolean))],
          certifications: s.certifications,
          regions: s.regions,
          maxContractValue: s.maxContractValue ?? null,
        },
      }),
    )
    .join('\n');
}

function releasesOf(nation: 'scotland' | 'wales'): string {
  const lines = readFileSync(join(ROOT, 'test', 'fixtures', 'imports', 'tender-releases-scotland-wales.jsonl'), 'utf8').split('\n').filter(Boolean);
  // Public Contracts Scotland publishes under ocds-r6ebe6, Sell2Wales under ocds-kuma6s.
  return lines.filter((line) => (nation === 'scotland' ? line.includes('"ocds-r6ebe6') : line.includes('"ocds-kuma6s'))).join('\n');
}

async function main(): Promise<void> {
  const admin = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const accounts: string[][] = [['admin', ADMIN_EMAIL, ADMIN_PASSWORD]];
  const commitmentIds = await commitments(admin);

  const buyers: { nation: 'scotland' | 'wales'; token: string; email: string }[] = [];
  for (const [nation, name] of [
    ['scotland', 'Scottish Procurement Alliance (demo)'],
    ['wales', 'Welsh Public Procurement Service (demo)'],
  ] as const) {
    const organisationId = await organisation(admin, name);
    const slug = nation === 'scotland' ? 'scot' : 'wales';
    const email = `buyer@${slug}.demo`;
    buyers.push({ nation, token: await user(admin, email, 'buyer', organisationId), email });
    accounts.push(['buyer', email, PASSWORD]);
    for (const reviewer of ['reviewer1', 'reviewer2']) {
      await user(admin, `${reviewer}@${slug}.demo`, 'reviewer', organisationId);
      accounts.push(['reviewer', `${reviewer}@${slug}.demo`, PASSWORD]);
    }
  }

  const supplierImport = await ok('POST', '/imports/suppliers', admin, supplierLines(), 'application/x-ndjson');
  const suppliers = await waitForImport(admin, supplierImport.id);
  console.log(`suppliers: ${suppliers.created} created, ${suppliers.updated} updated, ${suppliers.failed} refused`);

  const deadline = new Date(Date.now() + 60 * 24 * 3600 * 1000).toISOString();
  let published = 0;
  for (const buyer of buyers) {
    const started = await ok('POST', '/imports/needs', buyer.token, releasesOf(buyer.nation), 'application/x-ndjson');
    const result = await waitForImport(buyer.token, started.id);
    console.log(`${buyer.nation} tenders: ${result.created} created, ${result.updated} updated, ${result.failed} refused`);
    // The real tenders closed in 2025: give the demo copies a deadline ahead, link them to a roadmap
    // commitment by their CPV division, and publish them.
    for (let page = 1; ; page++) {
      const list = await ok('GET', `/needs?status=draft&organisationId=${(await ok('GET', '/auth/me', buyer.token)).organisationId}&pageSize=100&page=${page}`, buyer.token);
      for (const need of list.items as Json[]) {
        const division = (need.cpvCodes[0] ?? '00').slice(0, 2);
        const commitment = ['72', '48', '30', '32'].includes(division) ? commitmentIds[2] : ['79', '80', '85'].includes(division) ? commitmentIds[3] : commitmentIds[4];
        const res = await call('PATCH', `/needs/${need.id}`, buyer.token, { submissionDeadline: deadline, commitmentIds: [commitment] }, undefined, {
          'if-match': String(need.version),
        });
        if (res.status !== 200) console.warn(`not prepared ${need.title}: ${res.body?.detail}`);
      }
      if (list.items.length < 100) break;
    }
    for (;;) {
      const me = await ok('GET', '/auth/me', buyer.token);
      const list = await ok('GET', `/needs?status=draft&organisationId=${me.organisationId}&pageSize=100`, buyer.token);
      if (list.items.length === 0) break;
      for (const need of list.items as Json[]) {
        const res = await call('POST', `/needs/${need.id}/publish`, buyer.token);
        if (res.status === 200) published++;
        else console.warn(`not published ${need.title}: ${res.body?.detail}`);
      }
      if (list.items.length < 100) break;
    }
  }
  console.log(`published ${published} needs; matching runs in the workers`);

  // Show one need with explained matches.
  const buyer = buyers[1];
  const me = await ok('GET', '/auth/me', buyer.token);
  const needs = await ok('GET', `/needs?status=open&organisationId=${me.organisationId}&q=framework&pageSize=1`, buyer.token);
  const needId = needs.items[0]?.id;
  if (needId) {
    for (let i = 0; i < 120; i++) {
      const matches = await ok('GET', `/needs/${needId}/matches?pageSize=3`, buyer.token);
      if (matches.status === 'complete') {
        console.log(`\n"${needs.items[0].title}": top matches`);
        for (const m of matches.items as Json[]) {
          console.log(`  ${m.rank}. ${m.supplierName} — ${m.score} (${m.explanation.matchedTerms.slice(0, 4).map((t: Json) => t.term).join(', ')})`);
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  console.log('\nAccounts (role, email, password):');
  for (const [role, email, password] of accounts) console.log(`  ${role.padEnd(9)} ${email.padEnd(34)} ${password}`);
  console.log(`\nTry, as the Welsh buyer:
  TOKEN=$(curl -s -X POST ${API}/auth/login -H 'content-type: application/json' -d '{"email":"${buyers[1].email}","password":"${PASSWORD}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')
  curl -s "${API}/needs/${needId ?? '<need id>'}/matches?pageSize=5" -H "authorization: Bearer $TOKEN"`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
