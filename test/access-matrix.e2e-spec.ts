import { Actor, createWorld, needBody, PASSWORD, profileBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { uniqueSuffix } from './support/test-environment';

// Every route of accounts, roadmap commitments, needs and profiles, called by every kind of
// principal on its own organisation's object and on another organisation's, with the exact status
// each cell must answer (DESIGN.md section 2: 401, then 403, then 404).

type PrincipalName = 'anonymous' | 'supplierA' | 'supplierB' | 'buyerA' | 'buyerB' | 'reviewerA' | 'admin';
type Ownership = 'own' | 'other';
const PRINCIPALS: PrincipalName[] = ['anonymous', 'supplierA', 'supplierB', 'buyerA', 'buyerB', 'reviewerA', 'admin'];

interface Route {
  name: string;
  /** Makes the request for this principal on the object that belongs to `objectOwner`'s side. */
  call: (actor: Actor | null, side: 'A' | 'B') => Promise<number>;
  expected: (principal: PrincipalName, ownership: Ownership) => number;
}

describe('Access matrix', () => {
  let t: TestApp;
  let w: World;
  let commitmentId: string;

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
    const commitment = await t.http()
      .post('/api/v1/roadmap/commitments')
      .auth(w.admin.token, { type: 'bearer' })
      .send({ priority: 5, aims: ['faster-growth'], title: 'Open procurement data', description: 'Publish it', leadDepartment: 'GDS', dueDate: '2027-03-31', status: 'planned' });
    commitmentId = commitment.body.id;
    const reviewerBEmail = `reviewer-b-${uniqueSuffix()}@e2e.test`;
    const created = await t.http()
      .post('/api/v1/users')
      .auth(w.admin.token, { type: 'bearer' })
      .send({ email: reviewerBEmail, password: PASSWORD, role: 'reviewer', organisationId: w.buyerB.organisationId });
    const login = await t.http().post('/api/v1/auth/login').send({ email: reviewerBEmail, password: PASSWORD });
    reviewerB = { name: 'reviewer-b', role: 'reviewer', email: reviewerBEmail, userId: created.body.id, organisationId: w.buyerB.organisationId, token: login.body.accessToken };
    for (const supplier of [w.supplierA, w.supplierB]) {
      await t.http().put('/api/v1/suppliers/me/profile').auth(supplier.token, { type: 'bearer' }).send(profileBody()).expect(200);
    }
  });

  afterAll(async () => {
    await t.close();
  });

  const actorOf = (name: PrincipalName): Actor | null => (name === 'anonymous' ? null : w[name]);
  // Whose object a principal calls "own": its organisation's side; platform principals use A.
  const sideOf = (name: PrincipalName, ownership: Ownership): 'A' | 'B' => {
    const home = name.endsWith('B') ? 'B' : 'A';
    return ownership === 'own' ? home : home === 'A' ? 'B' : 'A';
  };
  const send = async (actor: Actor | null, method: 'get' | 'post' | 'put' | 'patch', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    let req = t.http()[method](path).set(headers);
    if (actor) req = req.auth(actor.token, { type: 'bearer' });
    const res = body === undefined ? await req : await req.send(body as object);
    return res.status;
  };
  const buyerOf = (side: 'A' | 'B') => (side === 'A' ? w.buyerA : w.buyerB);
  const supplierOf = (side: 'A' | 'B') => (side === 'A' ? w.supplierA : w.supplierB);
  const draftNeed = async (side: 'A' | 'B') => {
    const res = await t.http().post('/api/v1/needs').auth(buyerOf(side).token, { type: 'bearer' }).send(needBody());
    return res.body as { id: string; version: number };
  };
  const openNeed = async (side: 'A' | 'B') => {
    const need = await draftNeed(side);
    await t.http().post(`/api/v1/needs/${need.id}/publish`).auth(buyerOf(side).token, { type: 'bearer' }).expect(200);
    return need;
  };

  const scoredNeed = async (side: 'A' | 'B') => {
    const need = await openNeed(side);
    await waitFor(
      async () => ((await t.dataSource.query(`SELECT 1 FROM matches WHERE need_id = $1 AND supplier_id = $2`, [need.id, w.supplierA.organisationId])).length ? true : undefined),
      { what: 'the need to be scored' },
    );
    return need;
  };

  const TERMS = {
    value: 1_000_000,
    startDate: '2027-04-01',
    endDate: '2028-03-31',
    outcomePaymentShare: 0.2,
    reviewPeriods: 2,
    reason: 'Strongest match and a good delivery record',
    outcomes: [{ name: 'Cases closed', unit: 'cases', baseline: 0, target: 100, direction: 'increase', weight: 1 }],
  };
  let reviewerB: Actor;
  const reviewerOf = (side: 'A' | 'B') => (side === 'A' ? w.reviewerA2 : reviewerB);
  const contractOf = async (side: 'A' | 'B') => {
    const need = await scoredNeed(side);
    const res = await t.http().post(`/api/v1/needs/${need.id}/award`).auth(buyerOf(side).token, { type: 'bearer' }).send({ ...TERMS, supplierId: w.supplierA.organisationId });
    if (res.status !== 201) throw new Error(`award: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; outcomes: { id: string }[] };
  };
  const reviewBody = (contract: { outcomes: { id: string }[] }) => ({
    period: 1,
    measurements: contract.outcomes.map((o) => ({ outcomeId: o.id, value: 50, evidence: 'Monthly report' })),
  });
  // A review submitted by the side's other reviewer, so that reviewer A may decide side A's.
  const submittedReview = async (side: 'A' | 'B') => {
    const contract = await contractOf(side);
    const res = await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).auth(reviewerOf(side).token, { type: 'bearer' }).send(reviewBody(contract));
    if (res.status !== 201) throw new Error(`review: ${res.status} ${JSON.stringify(res.body)}`);
    return { contractId: contract.id, reviewId: res.body.id as string };
  };
  const owningReviewer = (ok: number) => (p: PrincipalName, o: Ownership) =>
    p === 'anonymous' ? 401 : p === 'reviewerA' ? (o === 'own' ? ok : 404) : 403;

  const NDJSON = { 'content-type': 'application/x-ndjson' };
  const needsImport = async (side: 'A' | 'B') => {
    const line = JSON.stringify({ externalId: `matrix-${uniqueSuffix()}`, title: 'Imported need', description: 'From a file' });
    const res = await t.http().post('/api/v1/imports/needs').auth(buyerOf(side).token, { type: 'bearer' }).set(NDJSON).send(line);
    if (res.status !== 202) throw new Error(`import: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const webhookOf = async (side: 'A' | 'B') => {
    // Stay under the per-supplier limit of live webhooks: remove the ones earlier cells made.
    const owner = supplierOf(side);
    const existing = await t.http().get('/api/v1/suppliers/me/webhooks?pageSize=100').auth(owner.token, { type: 'bearer' });
    for (const hook of existing.body.items ?? []) {
      await t.http().delete(`/api/v1/suppliers/me/webhooks/${hook.id}`).auth(owner.token, { type: 'bearer' });
    }
    const res = await t.http()
      .post('/api/v1/suppliers/me/webhooks')
      .auth(supplierOf(side).token, { type: 'bearer' })
      .send({ url: 'https://alerts.example.org/hook', minScore: 99 });
    if (res.status !== 201) throw new Error(`webhook: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  // Suppliers' own objects: supplier A's "own" webhook is A's, its "other" is B's.
  const owningSupplier = (ok: number) => (p: PrincipalName, o: Ownership) =>
    p === 'anonymous' ? 401 : p === 'supplierA' || p === 'supplierB' ? (o === 'own' ? ok : 404) : 403;

  const signedIn = (ok: number) => (p: PrincipalName) => (p === 'anonymous' ? 401 : ok);
  const adminOnly = (ok: number) => (p: PrincipalName) => (p === 'anonymous' ? 401 : p === 'admin' ? ok : 403);
  const supplierOnly = (ok: number) => (p: PrincipalName) => (p === 'anonymous' ? 401 : p.startsWith('supplier') ? ok : 403);
  const owningBuyer = (ok: number) => (p: PrincipalName, o: Ownership) =>
    p === 'anonymous' ? 401 : p === 'buyerA' || p === 'buyerB' ? (o === 'own' ? ok : 404) : 403;
  const anyone = (ok: number) => () => ok;

  const routes: Route[] = [
    {
      name: 'POST /auth/login',
      call: (actor) => send(actor, 'post', '/api/v1/auth/login', { email: w.supplierA.email, password: PASSWORD }),
      expected: anyone(200),
    },
    {
      name: 'POST /auth/register-supplier',
      call: (actor) => send(actor, 'post', '/api/v1/auth/register-supplier', { email: `m-${uniqueSuffix()}@e2e.test`, password: PASSWORD, organisationName: 'M' }),
      expected: anyone(201),
    },
    { name: 'GET /auth/me', call: (actor) => send(actor, 'get', '/api/v1/auth/me'), expected: signedIn(200) },
    {
      name: 'POST /organisations',
      call: (actor) => send(actor, 'post', '/api/v1/organisations', { kind: 'buyer', name: 'Matrix Council' }),
      expected: adminOnly(201),
    },
    { name: 'GET /organisations', call: (actor) => send(actor, 'get', '/api/v1/organisations'), expected: adminOnly(200) },
    {
      name: 'GET /organisations/:id',
      call: (actor, side) => send(actor, 'get', `/api/v1/organisations/${buyerOf(side).organisationId}`),
      expected: adminOnly(200),
    },
    {
      name: 'POST /users',
      call: (actor, side) =>
        send(actor, 'post', '/api/v1/users', { email: `u-${uniqueSuffix()}@e2e.test`, password: PASSWORD, role: 'buyer', organisationId: buyerOf(side).organisationId }),
      expected: adminOnly(201),
    },
    { name: 'GET /audit/verify', call: (actor) => send(actor, 'get', '/api/v1/audit/verify'), expected: adminOnly(200) },
    { name: 'GET /roadmap/aims', call: (actor) => send(actor, 'get', '/api/v1/roadmap/aims'), expected: anyone(200) },
    { name: 'GET /roadmap/priorities', call: (actor) => send(actor, 'get', '/api/v1/roadmap/priorities'), expected: anyone(200) },
    {
      name: 'POST /roadmap/commitments',
      call: (actor) =>
        send(actor, 'post', '/api/v1/roadmap/commitments', { priority: 1, aims: [], title: 'T', description: 'D', leadDepartment: 'L', dueDate: '2027-01-01', status: 'planned' }),
      expected: adminOnly(201),
    },
    { name: 'GET /roadmap/commitments', call: (actor) => send(actor, 'get', '/api/v1/roadmap/commitments'), expected: anyone(200) },
    { name: 'GET /roadmap/commitments/:id', call: (actor) => send(actor, 'get', `/api/v1/roadmap/commitments/${commitmentId}`), expected: anyone(200) },
    {
      name: 'PATCH /roadmap/commitments/:id',
      call: (actor) => send(actor, 'patch', `/api/v1/roadmap/commitments/${commitmentId}`, { status: 'in_progress' }),
      expected: adminOnly(200),
    },
    {
      name: 'POST /roadmap/commitments/:id/indicators',
      call: (actor) =>
        send(actor, 'post', `/api/v1/roadmap/commitments/${commitmentId}/indicators`, { name: 'Share to SMEs', unit: '%', baseline: 20, target: 33, direction: 'increase' }),
      expected: adminOnly(201),
    },
    { name: 'GET /cpv', call: (actor) => send(actor, 'get', '/api/v1/cpv?q=software'), expected: anyone(200) },
    { name: 'GET /cpv/:code', call: (actor) => send(actor, 'get', '/api/v1/cpv/72000000-5'), expected: anyone(200) },
    { name: 'GET /suppliers/me/profile', call: (actor) => send(actor, 'get', '/api/v1/suppliers/me/profile'), expected: supplierOnly(200) },
    { name: 'PUT /suppliers/me/profile', call: (actor) => send(actor, 'put', '/api/v1/suppliers/me/profile', profileBody()), expected: supplierOnly(200) },
    {
      name: 'GET /suppliers/:id',
      call: (actor, side) => send(actor, 'get', `/api/v1/suppliers/${supplierOf(side).organisationId}`),
      expected: anyone(200),
    },
    { name: 'POST /needs', call: (actor) => send(actor, 'post', '/api/v1/needs', needBody()), expected: (p) => (p === 'anonymous' ? 401 : p.startsWith('buyer') ? 201 : 403) },
    { name: 'GET /needs', call: (actor) => send(actor, 'get', '/api/v1/needs'), expected: anyone(200) },
    {
      name: 'GET /needs/:id (draft)',
      call: async (actor, side) => send(actor, 'get', `/api/v1/needs/${(await draftNeed(side)).id}`),
      // Drafts are visible to their organisation's buyers and reviewers alone.
      expected: (p, o) => ((p === 'buyerA' || p === 'buyerB' || p === 'reviewerA') && o === 'own' ? 200 : 404),
    },
    {
      name: 'GET /needs/:id (open)',
      call: async (actor, side) => send(actor, 'get', `/api/v1/needs/${(await openNeed(side)).id}`),
      expected: anyone(200),
    },
    {
      name: 'PATCH /needs/:id',
      call: async (actor, side) => send(actor, 'patch', `/api/v1/needs/${(await draftNeed(side)).id}`, { title: 'Edited' }, { 'if-match': '1' }),
      expected: owningBuyer(200),
    },
    {
      name: 'POST /needs/:id/publish',
      call: async (actor, side) => send(actor, 'post', `/api/v1/needs/${(await draftNeed(side)).id}/publish`),
      expected: owningBuyer(200),
    },
    {
      name: 'POST /needs/:id/close',
      call: async (actor, side) => send(actor, 'post', `/api/v1/needs/${(await openNeed(side)).id}/close`),
      expected: owningBuyer(200),
    },
    {
      name: 'POST /needs/:id/cancel',
      call: async (actor, side) => send(actor, 'post', `/api/v1/needs/${(await draftNeed(side)).id}/cancel`),
      expected: owningBuyer(200),
    },
    {
      name: 'GET /needs/:id/matches',
      call: async (actor, side) => send(actor, 'get', `/api/v1/needs/${(await openNeed(side)).id}/matches`),
      expected: owningBuyer(200),
    },
    {
      name: 'PUT /needs/:id/matches/:supplierId/decision',
      call: async (actor, side) =>
        send(actor, 'put', `/api/v1/needs/${(await scoredNeed(side)).id}/matches/${w.supplierA.organisationId}/decision`, { decision: 'shortlisted', reason: 'Strong case studies' }),
      expected: owningBuyer(200),
    },
    { name: 'GET /suppliers/me/opportunities', call: (actor) => send(actor, 'get', '/api/v1/suppliers/me/opportunities'), expected: supplierOnly(200) },
    {
      name: 'POST /needs/:id/award',
      call: async (actor, side) => send(actor, 'post', `/api/v1/needs/${(await scoredNeed(side)).id}/award`, { ...TERMS, supplierId: w.supplierA.organisationId }),
      expected: owningBuyer(201),
    },
    { name: 'GET /contracts', call: (actor) => send(actor, 'get', '/api/v1/contracts'), expected: anyone(200) },
    { name: 'GET /contracts/:id', call: async (actor, side) => send(actor, 'get', `/api/v1/contracts/${(await contractOf(side)).id}`), expected: anyone(200) },
    {
      name: 'POST /contracts/:id/reviews',
      call: async (actor, side) => {
        const contract = await contractOf(side);
        return send(actor, 'post', `/api/v1/contracts/${contract.id}/reviews`, reviewBody(contract));
      },
      expected: owningReviewer(201),
    },
    {
      name: 'POST /contracts/:id/reviews/:reviewId/approve',
      call: async (actor, side) => {
        const { contractId, reviewId } = await submittedReview(side);
        return send(actor, 'post', `/api/v1/contracts/${contractId}/reviews/${reviewId}/approve`, {});
      },
      expected: owningReviewer(200),
    },
    {
      name: 'POST /contracts/:id/reviews/:reviewId/reject',
      call: async (actor, side) => {
        const { contractId, reviewId } = await submittedReview(side);
        return send(actor, 'post', `/api/v1/contracts/${contractId}/reviews/${reviewId}/reject`, { reason: 'Evidence missing' });
      },
      expected: owningReviewer(200),
    },
    {
      name: 'POST /imports/suppliers',
      call: (actor) =>
        send(actor, 'post', '/api/v1/imports/suppliers', JSON.stringify({ externalId: `s-${uniqueSuffix()}`, name: 'Imported Ltd', profile: profileBody() }), NDJSON),
      expected: adminOnly(202),
    },
    {
      name: 'POST /imports/needs',
      call: (actor) => send(actor, 'post', '/api/v1/imports/needs', JSON.stringify({ externalId: `n-${uniqueSuffix()}`, title: 'T', description: 'D' }), NDJSON),
      expected: (p) => (p === 'anonymous' ? 401 : p === 'buyerA' || p === 'buyerB' ? 202 : 403),
    },
    { name: 'GET /imports', call: (actor) => send(actor, 'get', '/api/v1/imports'), expected: (p) => (p === 'anonymous' ? 401 : p.startsWith('supplier') ? 403 : 200) },
    {
      name: 'GET /imports/:id',
      call: async (actor, side) => send(actor, 'get', `/api/v1/imports/${await needsImport(side)}`),
      // The importing organisation's buyers and reviewers, and admins; another organisation gets 404.
      expected: (p, o) =>
        p === 'anonymous' ? 401 : p.startsWith('supplier') ? 403 : p === 'admin' ? 200 : o === 'own' ? 200 : 404,
    },
    {
      name: 'POST /suppliers/me/webhooks',
      call: async (actor, side) => {
        await webhookOf(side);
        return send(actor, 'post', '/api/v1/suppliers/me/webhooks', { url: 'https://alerts.example.org/hook', minScore: 99 });
      },
      expected: supplierOnly(201),
    },
    { name: 'GET /suppliers/me/webhooks', call: (actor) => send(actor, 'get', '/api/v1/suppliers/me/webhooks'), expected: supplierOnly(200) },
    {
      name: 'DELETE /suppliers/me/webhooks/:id',
      call: async (actor, side) => {
        const id = await webhookOf(side);
        let req = t.http().delete(`/api/v1/suppliers/me/webhooks/${id}`);
        if (actor) req = req.auth(actor.token, { type: 'bearer' });
        return (await req).status;
      },
      expected: owningSupplier(204),
    },
    {
      name: 'GET /suppliers/me/webhooks/:id/deliveries',
      call: async (actor, side) => send(actor, 'get', `/api/v1/suppliers/me/webhooks/${await webhookOf(side)}/deliveries`),
      expected: owningSupplier(200),
    },
  ];

  it('answers every cell with the expected status', async () => {
    const unexpected: string[] = [];
    let cells = 0;
    for (const route of routes) {
      for (const principal of PRINCIPALS) {
        for (const ownership of ['own', 'other'] as Ownership[]) {
          const expected = route.expected(principal, ownership);
          const actual = await route.call(actorOf(principal), sideOf(principal, ownership));
          cells++;
          if (actual !== expected) unexpected.push(`${route.name} as ${principal} on ${ownership} object: expected ${expected}, got ${actual}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    expect(cells).toBe(routes.length * PRINCIPALS.length * 2);
  });
});
