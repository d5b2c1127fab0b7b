import fc from 'fast-check';
import { Actor, createWorld, needBody, profileBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

// Generated hostile requests against every write endpoint. Each request carries at least one thing
// the service must refuse (a wrong type, a value past a limit, an unknown or __proto__ key, a
// missing field, bad money, an impossible date, a malformed CPV code or id, a control character),
// dressed up with injection strings, right-to-left and zero-width text elsewhere. Every answer must
// be a 4xx problem+json without a stack trace, and no table may change.

const SEED = 20261124;
const RUNS_PER_ENDPOINT = 150;

type Body = Record<string, unknown>;

interface Endpoint {
  name: string;
  method: 'post' | 'put' | 'patch';
  path: () => string;
  /** A path with a hostile id in place of the real one, when the route has ids. */
  badPath?: (id: string) => string;
  actor: () => Actor | null;
  body: () => Body;
  required: string[];
  money?: string[];
  dates?: string[];
  cpv?: string[];
  headers?: Record<string, string>;
}

const INJECTIONS = [
  "'; DROP TABLE procurement_needs; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  '\u202Eevil\u202C',
  'zero\u200Bwidth\u200D',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ 😀',
  '../../etc/passwd',
  'constructor',
  '__proto__',
];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u001B[31m', '\u007F', 'a\u0000b'];
const BAD_IDS = ['not-a-uuid', '00000000-0000-0000-0000-00000000000', "' OR '1'='1", '%00', '..%2F..%2Fetc', '1e3', '😀'];
const BAD_MONEY = [-1, -0.01, 0.5, 10.25, 1e20, Number.MAX_SAFE_INTEGER + 2, '100', true, [], {}];
const BAD_DATES = ['2026-02-30', '2026-13-01', '2027-02-29T10:00:00Z', 'tomorrow', '0000-00-00', '31/12/2027', '2026-01-01T25:00:00Z', ''];
const BAD_CPV = [['1234'], ['abcdefgh-1'], ["72000000-5'; --"], ['72000000-5\u0000'], ['99999999-9'], 'not-a-list', [72000000]];

describe('Hostile input', () => {
  let t: TestApp;
  let w: World;
  const ids: Record<string, string> = {};
  let total = 0;

  const tableCounts = async () => {
    const tables: { tablename: string }[] = await t.dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const counts: Record<string, number> = {};
    for (const { tablename } of tables) {
      counts[tablename] = (await t.dataSource.query(`SELECT count(*)::int AS n FROM "${tablename}"`))[0].n;
    }
    return counts;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { WRITE_RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_FAILURE_LIMIT: '10000' } });
    w = await createWorld(t);
    const as = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
    await t.http().put('/api/v1/suppliers/me/profile').set(as(w.supplierA)).send(profileBody()).expect(200);
    ids.commitment = (
      await t.http()
        .post('/api/v1/roadmap/commitments')
        .set(as(w.admin))
        .send({ priority: 2, aims: [], title: 'T', description: 'D', leadDepartment: 'L', dueDate: '2027-01-01', status: 'planned' })
        .expect(201)
    ).body.id;
    ids.draft = (await t.http().post('/api/v1/needs').set(as(w.buyerA)).send(needBody()).expect(201)).body.id;
    ids.open = (await t.http().post('/api/v1/needs').set(as(w.buyerA)).send(needBody()).expect(201)).body.id;
    await t.http().post(`/api/v1/needs/${ids.open}/publish`).set(as(w.buyerA)).expect(200);
    ids.awarded = (await t.http().post('/api/v1/needs').set(as(w.buyerA)).send(needBody()).expect(201)).body.id;
    await t.http().post(`/api/v1/needs/${ids.awarded}/publish`).set(as(w.buyerA)).expect(200);
    await waitFor(async () =>
      (await t.dataSource.query(`SELECT 1 FROM matches WHERE need_id = ANY($1::uuid[])`, [[ids.open, ids.awarded]])).length >= 2 ? true : undefined,
    );
    const contract = (
      await t.http()
        .post(`/api/v1/needs/${ids.awarded}/award`)
        .set(as(w.buyerA))
        .send({
          supplierId: w.supplierA.organisationId,
          value: 1_000_000,
          startDate: '2027-01-01',
          endDate: '2028-01-01',
          outcomePaymentShare: 0.2,
          reviewPeriods: 4,
          reason: 'Best fit after a careful comparison',
          outcomes: [{ name: 'Cases', unit: 'n', baseline: 0, target: 10, direction: 'increase', weight: 1 }],
        })
        .expect(201)
    ).body;
    ids.contract = contract.id;
    ids.outcome = contract.outcomes[0].id;
    ids.review = (
      await t.http()
        .post(`/api/v1/contracts/${ids.contract}/reviews`)
        .set(as(w.reviewerA2))
        .send({ period: 1, measurements: [{ outcomeId: ids.outcome, value: 5, evidence: 'report' }] })
        .expect(201)
    ).body.id;
    // Let background matching settle so that only the hostile requests could change anything.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });

  afterAll(async () => {
    await t.close();
  });

  const endpoints = (): Endpoint[] => [
    { name: 'POST /auth/login', method: 'post', path: () => '/api/v1/auth/login', actor: () => null, body: () => ({ email: w.buyerA.email, password: 'wrong-password-1' }), required: ['email', 'password'] },
    {
      name: 'POST /auth/register-supplier',
      method: 'post',
      path: () => '/api/v1/auth/register-supplier',
      actor: () => null,
      body: () => ({ email: `new-${Math.random().toString(36).slice(2)}@e2e.test`, password: 'a-long-test-password', organisationName: 'New Co', isSme: true }),
      required: ['email', 'password', 'organisationName'],
    },
    { name: 'POST /organisations', method: 'post', path: () => '/api/v1/organisations', actor: () => w.admin, body: () => ({ kind: 'buyer', name: 'Council' }), required: ['kind', 'name'] },
    {
      name: 'POST /users',
      method: 'post',
      path: () => '/api/v1/users',
      actor: () => w.admin,
      body: () => ({ email: `u-${Math.random().toString(36).slice(2)}@e2e.test`, password: 'a-long-test-password', role: 'buyer', organisationId: w.buyerA.organisationId }),
      required: ['email', 'password', 'role'],
    },
    {
      name: 'POST /roadmap/commitments',
      method: 'post',
      path: () => '/api/v1/roadmap/commitments',
      actor: () => w.admin,
      body: () => ({ priority: 3, aims: ['easier-lives'], title: 'T', description: 'D', leadDepartment: 'L', dueDate: '2027-06-30', status: 'planned' }),
      required: ['priority', 'title', 'description', 'leadDepartment', 'dueDate'],
      dates: ['dueDate'],
    },
    {
      name: 'PATCH /roadmap/commitments/:id',
      method: 'patch',
      path: () => `/api/v1/roadmap/commitments/${ids.commitment}`,
      badPath: (id) => `/api/v1/roadmap/commitments/${id}`,
      actor: () => w.admin,
      body: () => ({ title: 'New title', dueDate: '2027-07-01' }),
      required: [],
      dates: ['dueDate'],
    },
    {
      name: 'POST /roadmap/commitments/:id/indicators',
      method: 'post',
      path: () => `/api/v1/roadmap/commitments/${ids.commitment}/indicators`,
      badPath: (id) => `/api/v1/roadmap/commitments/${id}/indicators`,
      actor: () => w.admin,
      body: () => ({ name: 'Share', unit: '%', baseline: 10, target: 20, direction: 'increase' }),
      required: ['name', 'unit', 'baseline', 'target', 'direction'],
    },
    {
      name: 'PUT /suppliers/me/profile',
      method: 'put',
      path: () => '/api/v1/suppliers/me/profile',
      actor: () => w.supplierA,
      body: () => profileBody(),
      required: ['summary', 'capabilities', 'caseStudies', 'cpvCodes', 'certifications', 'regions'],
      money: ['maxContractValue'],
      cpv: ['cpvCodes'],
    },
    {
      name: 'POST /needs',
      method: 'post',
      path: () => '/api/v1/needs',
      actor: () => w.buyerA,
      body: () => needBody(),
      required: ['title', 'description'],
      money: ['budgetMin', 'budgetMax'],
      dates: ['submissionDeadline'],
      cpv: ['cpvCodes'],
    },
    {
      name: 'PATCH /needs/:id',
      method: 'patch',
      path: () => `/api/v1/needs/${ids.draft}`,
      badPath: (id) => `/api/v1/needs/${id}`,
      actor: () => w.buyerA,
      body: () => ({ title: 'Edited', budgetMax: 60_000_000 }),
      required: [],
      money: ['budgetMax'],
      headers: { 'if-match': '1' },
    },
    {
      name: 'PUT /needs/:id/matches/:supplierId/decision',
      method: 'put',
      path: () => `/api/v1/needs/${ids.open}/matches/${w.supplierA.organisationId}/decision`,
      badPath: (id) => `/api/v1/needs/${ids.open}/matches/${id}/decision`,
      actor: () => w.buyerA,
      body: () => ({ decision: 'shortlisted', reason: 'Good' }),
      required: ['decision', 'reason'],
    },
    {
      name: 'POST /needs/:id/award',
      method: 'post',
      path: () => `/api/v1/needs/${ids.open}/award`,
      badPath: (id) => `/api/v1/needs/${id}/award`,
      actor: () => w.buyerA,
      body: () => ({
        supplierId: w.supplierA.organisationId,
        value: 2_000_000,
        startDate: '2027-01-01',
        endDate: '2028-01-01',
        outcomePaymentShare: 0.3,
        reviewPeriods: 2,
        reason: 'Best fit after a careful comparison',
        outcomes: [{ name: 'Cases', unit: 'n', baseline: 0, target: 10, direction: 'increase', weight: 1 }],
      }),
      required: ['supplierId', 'value', 'startDate', 'endDate', 'outcomePaymentShare', 'reviewPeriods', 'reason', 'outcomes'],
      money: ['value'],
      dates: ['startDate', 'endDate'],
    },
    {
      name: 'POST /contracts/:id/reviews',
      method: 'post',
      path: () => `/api/v1/contracts/${ids.contract}/reviews`,
      badPath: (id) => `/api/v1/contracts/${id}/reviews`,
      actor: () => w.reviewerA,
      body: () => ({ period: 2, measurements: [{ outcomeId: ids.outcome, value: 7, evidence: 'report' }] }),
      required: ['period', 'measurements'],
    },
    {
      name: 'POST /contracts/:id/reviews/:reviewId/reject',
      method: 'post',
      path: () => `/api/v1/contracts/${ids.contract}/reviews/${ids.review}/reject`,
      badPath: (id) => `/api/v1/contracts/${ids.contract}/reviews/${id}/reject`,
      actor: () => w.reviewerA,
      body: () => ({ reason: 'Evidence missing' }),
      required: ['reason'],
    },
  ];

  /** Mutations that each make a request invalid. */
  const invalidMutation = (endpoint: Endpoint): fc.Arbitrary<{ label: string; apply: (body: Body) => { body: Body | string; path?: string } }> => {
    const keys = Object.keys(endpoint.body());
    const options: fc.Arbitrary<{ label: string; apply: (body: Body) => { body: Body | string; path?: string } }>[] = [
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !keys.includes(k) && k !== '__proto__').map((key) => ({
        label: `unknown field ${JSON.stringify(key)}`,
        apply: (body) => ({ body: { ...body, [key]: 'x' } }),
      })),
      fc.constant({
        label: '__proto__ key',
        apply: (body: Body) => ({ body: JSON.stringify(body).replace(/^\{/, '{"__proto__":{"role":"admin"},') }),
      }),
      fc.constant({
        label: 'constructor.prototype key',
        apply: (body: Body) => ({ body: JSON.stringify(body).replace(/^\{/, '{"constructor":{"prototype":{"role":"admin"}},') }),
      }),
      fc.constant({ label: 'array instead of object', apply: (body: Body) => ({ body: JSON.stringify([body]) }) }),
    ];
    if (keys.length > 0) {
      options.push(
        fc.tuple(fc.constantFrom(...keys), fc.constantFrom<unknown>(12345, -1.5, 'text', true, [], [{}], { a: 1 }, null)).filter(
          ([key, value]) => typeof value !== typeof endpoint.body()[key] || Array.isArray(value) !== Array.isArray(endpoint.body()[key]) || (value === null && !(endpoint.money ?? []).includes(key)),
        ).map(([key, value]) => ({ label: `wrong type for ${key}`, apply: (body) => ({ body: { ...body, [key]: value } }) })),
        fc.tuple(fc.constantFrom(...keys), fc.integer({ min: 20, max: 120 })).map(([key, depth]) => ({
          label: `deep nesting in ${key}`,
          apply: (body) => {
            let nested: unknown = 'leaf';
            for (let i = 0; i < depth; i++) nested = i % 2 ? [nested] : { a: nested };
            return { body: { ...body, [key]: nested } };
          },
        })),
      );
      const textKeys = keys.filter((key) => typeof endpoint.body()[key] === 'string');
      if (textKeys.length > 0) {
        options.push(
          fc.tuple(fc.constantFrom(...textKeys), fc.integer({ min: 20_001, max: 200_000 })).map(([key, length]) => ({
            label: `huge string in ${key}`,
            apply: (body) => ({ body: { ...body, [key]: 'x'.repeat(length) } }),
          })),
          fc.tuple(fc.constantFrom(...textKeys), fc.constantFrom(...CONTROL)).map(([key, control]) => ({
            label: `control character in ${key}`,
            apply: (body) => ({ body: { ...body, [key]: `${String(body[key])}${control}` } }),
          })),
        );
      }
      const listKeys = keys.filter((key) => Array.isArray(endpoint.body()[key]));
      if (listKeys.length > 0) {
        options.push(
          fc.tuple(fc.constantFrom(...listKeys), fc.integer({ min: 101, max: 3000 })).map(([key, size]) => ({
            label: `huge array in ${key}`,
            apply: (body) => ({ body: { ...body, [key]: Array.from({ length: size }, (_, i) => `item-${i}`) } }),
          })),
        );
      }
    }
    if (endpoint.required.length > 0) {
      options.push(
        fc.constantFrom(...endpoint.required).map((key) => ({
          label: `missing ${key}`,
          apply: (body) => {
            const { [key]: _gone, ...rest } = body;
            return { body: rest };
          },
        })),
      );
    }
    if (endpoint.money?.length) {
      options.push(
        fc.tuple(fc.constantFrom(...endpoint.money), fc.constantFrom(...BAD_MONEY)).map(([key, value]) => ({
          label: `bad money ${key}=${JSON.stringify(value)}`,
          apply: (body) => ({ body: { ...body, [key]: value } }),
        })),
      );
    }
    if (endpoint.dates?.length) {
      options.push(
        fc.tuple(fc.constantFrom(...endpoint.dates), fc.constantFrom(...BAD_DATES)).map(([key, value]) => ({
          label: `impossible date ${key}=${value}`,
          apply: (body) => ({ body: { ...body, [key]: value } }),
        })),
      );
    }
    if (endpoint.cpv?.length) {
      options.push(
        fc.tuple(fc.constantFrom(...endpoint.cpv), fc.constantFrom(...BAD_CPV)).map(([key, value]) => ({
          label: `malformed CPV ${JSON.stringify(value)}`,
          apply: (body) => ({ body: { ...body, [key]: value } }),
        })),
      );
    }
    if (endpoint.badPath) {
      const badPath = endpoint.badPath;
      options.push(fc.constantFrom(...BAD_IDS).map((id) => ({ label: `malformed id ${id}`, apply: (body: Body) => ({ body, path: badPath(encodeURIComponent(id)) }) })));
    }
    return fc.oneof(...options);
  };

  /** Hostile but well-formed text placed in the other text fields. */
  const decoration = (endpoint: Endpoint) => {
    const textKeys = Object.keys(endpoint.body()).filter((key) => typeof endpoint.body()[key] === 'string' && !['email', 'password', 'kind', 'role', 'decision', 'direction', 'status', 'dueDate', 'startDate', 'endDate', 'submissionDeadline', 'supplierId', 'organisationId'].includes(key));
    if (textKeys.length === 0) return fc.constant((body: Body) => body);
    return fc.tuple(fc.constantFrom(...textKeys), fc.constantFrom(...INJECTIONS)).map(([key, text]) => (body: Body) => ({ ...body, [key]: text }));
  };

  it('answers every generated hostile request with a 4xx problem+json and changes no table', async () => {
    const before = await tableCounts();
    const failures: string[] = [];
    for (const endpoint of endpoints()) {
      await fc.assert(
        fc.asyncProperty(invalidMutation(endpoint), decoration(endpoint), async (mutation, decorate) => {
          const { body, path } = mutation.apply(decorate(endpoint.body()));
          const actor = endpoint.actor();
          let req = t.http()[endpoint.method](path ?? endpoint.path()).set('content-type', 'application/json').set(endpoint.headers ?? {});
          if (actor) req = req.set('authorization', `Bearer ${actor.token}`);
          const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
          total++;
          const text = res.text ?? '';
          const ok =
            res.status >= 400 &&
            res.status < 500 &&
            /^application\/problem\+json/.test(res.headers['content-type'] ?? '') &&
            !/\n\s+at .+:\d+:\d+/.test(text) &&
            !/password_hash|passwordHash|scrypt\$/.test(text);
          if (!ok) failures.push(`${endpoint.name} with ${mutation.label}: ${res.status} ${text.slice(0, 200)}`);
          return true;
        }),
        { seed: SEED, numRuns: RUNS_PER_ENDPOINT, endOnFailure: true },
      );
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(2000);
    expect(await tableCounts()).toEqual(before);
  }, 600_000);
});
