import type { Test } from 'supertest';
import { RoadmapService } from 'src/roadmap/roadmap.service';
import { Actor, createBuyerOrganisation, createUser, registerSupplier, signInAdmin } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

const COMMITMENTS = '/api/v1/roadmap/commitments';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function commitmentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    priority: 5,
    aims: ['faster-growth', 'higher-productivity'],
    title: 'Publish outcome measures for every digital contract',
    description: 'Every digital contract over £25,000 states the outcomes it pays for and reports against them.',
    leadDepartment: 'Government Digital Service',
    dueDate: '2026-03-31',
    status: 'in_progress',
    ...overrides,
  };
}

function indicatorBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Share of contract value won by SMEs', unit: 'percent', baseline: 20, target: 33, direction: 'increase', ...overrides };
}

describe('Roadmap commitments and indicators', () => {
  let t: TestApp;
  let admin: Actor;
  let buyer: Actor;
  let supplier: Actor;

  const asAdmin = (req: Test) => req.auth(admin.token, { type: 'bearer' });

  async function count(table: 'roadmap_commitments' | 'roadmap_indicators' | 'audit_events'): Promise<number> {
    const [row] = await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n;
  }

  async function auditEvents(objectId: string): Promise<{ action: string; actor_id: string; before: unknown; after: unknown }[]> {
    return t.dataSource.query('SELECT action, actor_id, before, after FROM audit_events WHERE object_id = $1 ORDER BY sequence', [objectId]);
  }

  async function createCommitment(overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const res = await asAdmin(t.http().post(COMMITMENTS)).send(commitmentBody(overrides));
    if (res.status !== 201) throw new Error(`commitment: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
    const buyerOrg = await createBuyerOrganisation(t, admin, 'Department for Roadmaps');
    [buyer, supplier] = await Promise.all([createUser(t, admin, 'buyer', 'buyer', buyerOrg), registerSupplier(t, 'supplier')]);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('creating', () => {
    it('creates a commitment for an admin, answers 201 with it, and records one audit event', async () => {
      const auditBefore = await count('audit_events');
      const res = await asAdmin(t.http().post(COMMITMENTS)).send(commitmentBody()).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        priority: 5,
        aims: ['faster-growth', 'higher-productivity'],
        title: 'Publish outcome measures for every digital contract',
        description: 'Every digital contract over £25,000 states the outcomes it pays for and reports against them.',
        leadDepartment: 'Government Digital Service',
        dueDate: '2026-03-31',
        status: 'in_progress',
        indicators: [],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await count('audit_events')).toBe(auditBefore + 1);
      const events = await auditEvents(res.body.id);
      expect(events).toEqual([expect.objectContaining({ action: 'commitment.create', actor_id: admin.userId, before: null })]);
      expect(events[0].after).toMatchObject({ id: res.body.id, title: res.body.title, status: 'in_progress' });
    });

    it('defaults to no aims and the planned status', async () => {
      const { aims: _aims, status: _status, ...body } = commitmentBody();
      const res = await asAdmin(t.http().post(COMMITMENTS)).send(body).expect(201);
      expect(res.body).toMatchObject({ aims: [], status: 'planned' });
    });

    it("accepts the DESIGN's limits: a 300-character title, a 20,000-character description, a one-word description, an empty aims list", async () => {
      const long = await createCommitment({ title: 'T'.repeat(300), description: 'd'.repeat(20_000), leadDepartment: 'L'.repeat(300) });
      expect(long.title).toHaveLength(300);
      expect(long.description).toHaveLength(20_000);
      const short = await createCommitment({ description: 'Transparency', aims: [] });
      expect(short).toMatchObject({ description: 'Transparency', aims: [] });
    });

    it('accepts 29 February in a leap year', async () => {
      const res = await createCommitment({ dueDate: '2028-02-29' });
      expect(res.dueDate).toBe('2028-02-29');
    });
  });

  describe('refusing bad commitments', () => {
    it.each<[string, string, Record<string, unknown>]>([
      ['priority 7', 'priority', { priority: 7 }],
      ['priority 0', 'priority', { priority: 0 }],
      ['a priority written as a string', 'priority', { priority: '5' }],
      ['a fractional priority', 'priority', { priority: 2.5 }],
      ['an unknown aim code', 'aims[1]', { aims: ['easier-lives', 'no-such-aim'] }],
      ['a repeated aim', 'aims', { aims: ['easier-lives', 'easier-lives'] }],
      ['aims that are not strings', 'aims', { aims: [1] }],
      ['null aims', 'aims', { aims: null }],
      ['30 February', 'dueDate', { dueDate: '2026-02-30' }],
      ['29 February in a common year', 'dueDate', { dueDate: '2027-02-29' }],
      ['month 13', 'dueDate', { dueDate: '2026-13-01' }],
      ['a date-time instead of a date', 'dueDate', { dueDate: '2026-03-31T00:00:00Z' }],
      ['a date written day first', 'dueDate', { dueDate: '31/03/2026' }],
      ['year zero', 'dueDate', { dueDate: '0000-01-01' }],
      ['a 301-character title', 'title', { title: 'T'.repeat(301) }],
      ['a blank title', 'title', { title: '   ' }],
      ['a 20,001-character description', 'description', { description: 'd'.repeat(20_001) }],
      ['a 301-character lead department', 'leadDepartment', { leadDepartment: 'L'.repeat(301) }],
      ['an unknown status', 'status', { status: 'done' }],
      ['a null status', 'status', { status: null }],
      ['an unknown field', 'colour', { colour: 'blue' }],
      ['an id chosen by the client', 'id', { id: UNKNOWN_ID }],
      ['a missing title', 'title', { title: undefined }],
      ['a missing due date', 'dueDate', { dueDate: undefined }],
    ])('refuses %s with 400 naming %s and changes nothing', async (_case, field, overrides) => {
      const [commitmentsBefore, auditBefore] = [await count('roadmap_commitments'), await count('audit_events')];
      const res = await asAdmin(t.http().post(COMMITMENTS)).send(commitmentBody(overrides)).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'REQUEST.VALIDATION_FAILED' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count('roadmap_commitments')).toBe(commitmentsBefore);
      expect(await count('audit_events')).toBe(auditBefore);
    });

    it('names every unknown aim at once, by its position', async () => {
      const res = await asAdmin(t.http().post(COMMITMENTS))
        .send(commitmentBody({ aims: ['nope', 'easier-lives', 'also-nope'] }))
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['aims[0]', 'aims[2]']);
    });
  });

  describe('reading', () => {
    let a: Record<string, any>;
    let b: Record<string, any>;
    let c: Record<string, any>;

    beforeAll(async () => {
      // Unusual priorities and aims of their own, so the filters below see only these three.
      a = await createCommitment({ priority: 1, aims: ['easier-lives'], status: 'planned', dueDate: '2027-06-30' });
      b = await createCommitment({ priority: 1, aims: ['easier-lives', 'smarter-organisations'], status: 'at_risk', dueDate: '2026-06-30' });
      c = await createCommitment({ priority: 3, aims: ['smarter-organisations'], status: 'delivered', dueDate: '2026-01-31' });
    });

    it('lets anyone list commitments, paginated', async () => {
      const total = await count('roadmap_commitments');
      const res = await t.http().get(`${COMMITMENTS}?pageSize=2&page=1`).expect(200);
      expect(res.body).toMatchObject({ page: 1, pageSize: 2, total });
      expect(res.body.items).toHaveLength(2);
      const all = await t.http().get(`${COMMITMENTS}?pageSize=100`).expect(200);
      expect(all.body.items).toHaveLength(total);
      expect(new Set(all.body.items.map((item: { id: string }) => item.id)).size).toBe(total);
    });

    it('filters by priority, in due-date order', async () => {
      const res = await t.http().get(`${COMMITMENTS}?priority=1`).expect(200);
      expect(res.body.items.map((item: { id: string }) => item.id)).toEqual([b.id, a.id]);
      expect(res.body.total).toBe(2);
    });

    it('filters by aim', async () => {
      const res = await t.http().get(`${COMMITMENTS}?aim=smarter-organisations`).expect(200);
      expect(res.body.items.map((item: { id: string }) => item.id)).toEqual([b.id, c.id]);
    });

    it('filters by status, and combines filters', async () => {
      const delivered = await t.http().get(`${COMMITMENTS}?status=delivered`).expect(200);
      expect(delivered.body.items.map((item: { id: string }) => item.id)).toEqual([c.id]);
      const combined = await t.http().get(`${COMMITMENTS}?priority=1&aim=easier-lives&status=at_risk`).expect(200);
      expect(combined.body.items.map((item: { id: string }) => item.id)).toEqual([b.id]);
    });

    it('answers an empty page for an aim that no commitment serves', async () => {
      const res = await t.http().get(`${COMMITMENTS}?aim=no-such-aim`).expect(200);
      expect(res.body).toMatchObject({ items: [], total: 0 });
    });

    it.each([
      ['priority=7', 'priority'],
      ['priority=one', 'priority'],
      ['status=finished', 'status'],
      ['pageSize=101', 'pageSize'],
      ['colour=blue', 'colour'],
    ])('refuses ?%s naming %s', async (query, field) => {
      const res = await t.http().get(`${COMMITMENTS}?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('lets anyone read one commitment', async () => {
      const res = await t.http().get(`${COMMITMENTS}/${a.id}`).expect(200);
      expect(res.body).toEqual(a);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      const missing = await t.http().get(`${COMMITMENTS}/${UNKNOWN_ID}`).expect(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.body).toMatchObject({ status: 404, code: 'COMMITMENT.NOT_FOUND' });
      const malformed = await t.http().get(`${COMMITMENTS}/not-a-uuid`).expect(400);
      expect(malformed.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
    });
  });

  describe('changing', () => {
    it('changes only the fields sent, moves updatedAt, and records before and after', async () => {
      const created = await createCommitment({ status: 'planned' });
      const auditBefore = await count('audit_events');
      const res = await asAdmin(t.http().patch(`${COMMITMENTS}/${created.id}`))
        .send({ status: 'at_risk', aims: ['firmer-foundations'], dueDate: '2026-12-31' })
        .expect(200);
      expect(res.body).toEqual({
        ...created,
        status: 'at_risk',
        aims: ['firmer-foundations'],
        dueDate: '2026-12-31',
        updatedAt: expect.any(String),
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
      expect((await t.http().get(`${COMMITMENTS}/${created.id}`).expect(200)).body).toEqual(res.body);

      expect(await count('audit_events')).toBe(auditBefore + 1);
      const [, update] = await auditEvents(created.id);
      expect(update).toMatchObject({
        action: 'commitment.update',
        actor_id: admin.userId,
        before: { status: 'planned', aims: created.aims, dueDate: '2026-03-31' },
        after: { status: 'at_risk', aims: ['firmer-foundations'], dueDate: '2026-12-31' },
      });
    });

    it('keeps the indicators in the answer to a change', async () => {
      const created = await createCommitment();
      await asAdmin(t.http().post(`${COMMITMENTS}/${created.id}/indicators`)).send(indicatorBody()).expect(201);
      const res = await asAdmin(t.http().patch(`${COMMITMENTS}/${created.id}`)).send({ title: 'Renamed' }).expect(200);
      expect(res.body.title).toBe('Renamed');
      expect(res.body.indicators).toHaveLength(1);
    });

    it.each<[string, string, Record<string, unknown>]>([
      ['an empty body', 'body', {}],
      ['priority 7', 'priority', { priority: 7 }],
      ['an unknown aim code', 'aims[1]', { aims: ['easier-lives', 'no-such-aim'] }],
      ['30 February', 'dueDate', { dueDate: '2026-02-30' }],
      ['a 301-character title', 'title', { title: 'T'.repeat(301) }],
      ['a null title', 'title', { title: null }],
      ['an unknown status', 'status', { status: 'done' }],
      ['an unknown field', 'colour', { colour: 'blue' }],
      ['a new id', 'id', { id: UNKNOWN_ID }],
      ['a createdAt', 'createdAt', { createdAt: '2020-01-01T00:00:00Z' }],
    ])('refuses %s with 400 naming %s and changes nothing', async (_case, field, body) => {
      const created = await createCommitment();
      const auditBefore = await count('audit_events');
      const res = await asAdmin(t.http().patch(`${COMMITMENTS}/${created.id}`)).send(body).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await t.http().get(`${COMMITMENTS}/${created.id}`).expect(200)).body).toEqual(created);
      expect(await count('audit_events')).toBe(auditBefore);
    });

    it('refuses a change with no body at all', async () => {
      const created = await createCommitment();
      const res = await asAdmin(t.http().patch(`${COMMITMENTS}/${created.id}`)).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.http().get(`${COMMITMENTS}/${created.id}`).expect(200)).body).toEqual(created);
    });

    it('answers 404 for an unknown id', async () => {
      const res = await asAdmin(t.http().patch(`${COMMITMENTS}/${UNKNOWN_ID}`)).send({ status: 'delivered' }).expect(404);
      expect(res.body.code).toBe('COMMITMENT.NOT_FOUND');
    });
  });

  describe('indicators', () => {
    let commitment: Record<string, any>;

    beforeAll(async () => {
      commitment = await createCommitment();
    });

    it('adds indicators (201), lists them with the commitment, and records one audit event each', async () => {
      const auditBefore = await count('audit_events');
      const increase = await asAdmin(t.http().post(`${COMMITMENTS}/${commitment.id}/indicators`)).send(indicatorBody()).expect(201);
      expect(increase.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Share of contract value won by SMEs',
        unit: 'percent',
        baseline: 20,
        target: 33,
        direction: 'increase',
      });
      const decrease = await asAdmin(t.http().post(`${COMMITMENTS}/${commitment.id}/indicators`))
        .send(indicatorBody({ name: 'Days from need to contract', unit: 'days', baseline: 120.5, target: -0.25, direction: 'decrease' }))
        .expect(201);
      expect(decrease.body).toMatchObject({ baseline: 120.5, target: -0.25, direction: 'decrease' });
      expect(await count('audit_events')).toBe(auditBefore + 2);
      expect(await auditEvents(increase.body.id)).toEqual([
        expect.objectContaining({ action: 'indicator.create', actor_id: admin.userId, after: expect.objectContaining({ commitmentId: commitment.id }) }),
      ]);

      const res = await t.http().get(`${COMMITMENTS}/${commitment.id}`).expect(200);
      expect(res.body.indicators).toEqual([increase.body, decrease.body]);
      const listed = await t.http().get(`${COMMITMENTS}?pageSize=100`).expect(200);
      const item = listed.body.items.find((entry: { id: string }) => entry.id === commitment.id);
      expect(item.indicators).toEqual([increase.body, decrease.body]);
    });

    it('keeps decimals exactly as written and answers them as JSON numbers', async () => {
      const res = await asAdmin(t.http().post(`${COMMITMENTS}/${commitment.id}/indicators`))
        .send(indicatorBody({ baseline: 0.1, target: 0.3 }))
        .expect(201);
      expect(res.body).toMatchObject({ baseline: 0.1, target: 0.3 });
      const [row] = await t.dataSource.query('SELECT baseline::text, target::text FROM roadmap_indicators WHERE id = $1', [res.body.id]);
      expect(row).toEqual({ baseline: '0.1', target: '0.3' });
    });

    it.each<[string, string, Record<string, unknown>]>([
      ['an increase with its target below the baseline', 'target', { baseline: 20, target: 10, direction: 'increase' }],
      ['an increase with its target at the baseline', 'target', { baseline: 20, target: 20, direction: 'increase' }],
      ['a decrease with its target above the baseline', 'target', { baseline: 10, target: 20, direction: 'decrease' }],
      ['a baseline written as a string', 'baseline', { baseline: '20' }],
      ['a null target', 'target', { target: null }],
      ['an unknown direction', 'direction', { direction: 'sideways' }],
      ['a 301-character name', 'name', { name: 'n'.repeat(301) }],
      ['a 101-character unit', 'unit', { unit: 'u'.repeat(101) }],
      ['a missing unit', 'unit', { unit: undefined }],
      ['an unknown field', 'weight', { weight: 1 }],
    ])('refuses %s with 400 naming %s and changes nothing', async (_case, field, overrides) => {
      const [indicatorsBefore, auditBefore] = [await count('roadmap_indicators'), await count('audit_events')];
      const res = await asAdmin(t.http().post(`${COMMITMENTS}/${commitment.id}/indicators`)).send(indicatorBody(overrides)).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count('roadmap_indicators')).toBe(indicatorsBefore);
      expect(await count('audit_events')).toBe(auditBefore);
    });

    it('refuses a number too large for JSON to carry exactly as infinite', async () => {
      const res = await asAdmin(t.http().post(`${COMMITMENTS}/${commitment.id}/indicators`))
        .set('content-type', 'application/json')
        .send('{"name":"n","unit":"u","baseline":0,"target":1e400,"direction":"increase"}')
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('target');
    });

    it('answers 404 for an unknown commitment', async () => {
      const res = await asAdmin(t.http().post(`${COMMITMENTS}/${UNKNOWN_ID}/indicators`)).send(indicatorBody()).expect(404);
      expect(res.body.code).toBe('COMMITMENT.NOT_FOUND');
    });
  });

  describe('access', () => {
    let commitment: Record<string, any>;

    beforeAll(async () => {
      commitment = await createCommitment();
    });

    const writes = () => [
      { name: 'POST /roadmap/commitments', send: (token?: string) => withToken(t.http().post(COMMITMENTS), token).send(commitmentBody()) },
      {
        name: 'PATCH /roadmap/commitments/:id',
        send: (token?: string) => withToken(t.http().patch(`${COMMITMENTS}/${commitment.id}`), token).send({ status: 'delivered' }),
      },
      {
        name: 'POST /roadmap/commitments/:id/indicators',
        send: (token?: string) => withToken(t.http().post(`${COMMITMENTS}/${commitment.id}/indicators`), token).send(indicatorBody()),
      },
    ];

    function withToken(req: Test, token?: string): Test {
      return token ? req.auth(token, { type: 'bearer' }) : req;
    }

    it('answers 403 to a buyer or a supplier on every admin route, and changes nothing', async () => {
      const before = [await count('roadmap_commitments'), await count('roadmap_indicators'), await count('audit_events')];
      for (const route of writes()) {
        for (const actor of [buyer, supplier]) {
          const res = await route.send(actor.token);
          expect({ route: route.name, actor: actor.role, status: res.status }).toEqual({ route: route.name, actor: actor.role, status: 403 });
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }
      }
      expect([await count('roadmap_commitments'), await count('roadmap_indicators'), await count('audit_events')]).toEqual(before);
      expect((await t.http().get(`${COMMITMENTS}/${commitment.id}`)).body.status).toBe(commitment.status);
    });

    it('answers 401 without a token on every admin route', async () => {
      for (const route of writes()) {
        const res = await route.send();
        expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: 401 });
      }
    });

    it('answers 401 to a bad token, even on a public route', async () => {
      await t.http().get(COMMITMENTS).auth('not.a.token', { type: 'bearer' }).expect(401);
    });

    it('lets a signed-in buyer read as anyone can', async () => {
      await t.http().get(`${COMMITMENTS}/${commitment.id}`).auth(buyer.token, { type: 'bearer' }).expect(200);
      await t.http().get(COMMITMENTS).auth(supplier.token, { type: 'bearer' }).expect(200);
    });
  });

  it('describes the routes in the OpenAPI document, with bearer auth on the admin ones', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    const paths = res.body.paths;
    expect(paths['/api/v1/roadmap/commitments'].post.security).toEqual([{ bearer: [] }]);
    expect(paths['/api/v1/roadmap/commitments'].get.security).toBeUndefined();
    expect(paths['/api/v1/roadmap/commitments/{id}'].patch.tags).toEqual(['roadmap']);
    expect(paths['/api/v1/roadmap/commitments/{id}/indicators'].post.responses['201']).toBeDefined();
  });

  describe('for other features', () => {
    it('names the unknown commitment ids of a list by position', async () => {
      const known = await createCommitment();
      const roadmap = t.app.get(RoadmapService);
      const unknown = await roadmap.findUnknownCommitmentIds([known.id, UNKNOWN_ID, known.id.toUpperCase(), 'not-a-uuid']);
      expect(unknown).toEqual([
        { index: 1, id: UNKNOWN_ID },
        { index: 3, id: 'not-a-uuid' },
      ]);
      expect(await roadmap.findUnknownCommitmentIds([])).toEqual([]);
    });

    it('gets a commitment with its indicators, or throws COMMITMENT.NOT_FOUND', async () => {
      const known = await createCommitment();
      const roadmap = t.app.get(RoadmapService);
      const found = await roadmap.getCommitment(known.id);
      expect(found.commitment.id).toBe(known.id);
      expect(found.indicators).toEqual([]);
      await expect(roadmap.getCommitment(UNKNOWN_ID)).rejects.toMatchObject({ code: 'COMMITMENT.NOT_FOUND' });
    });
  });
});
