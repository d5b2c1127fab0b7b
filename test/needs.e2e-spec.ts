import { createWorld, needBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

describe('Procurement needs', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const createNeed = async (token = w.buyerA.token, overrides: Record<string, unknown> = {}) => {
    const res = await t.http().post('/api/v1/needs').set(bearer(token)).send(needBody(overrides));
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const needCount = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM procurement_needs`))[0].n as number;

  it('creates a draft with id, status and version', async () => {
    const need = await createNeed();
    expect(need).toMatchObject({
      id: expect.any(String),
      status: 'draft',
      version: 1,
      organisationId: w.buyerA.organisationId,
      budgetMin: 10_000_000,
      budgetMax: 50_000_000,
      cpvCodes: ['72000000-5'],
      publishedAt: null,
    });
  });

  it('accepts the limits: a 300-character title, a 20,000-character description, a one-word description and empty lists', async () => {
    await createNeed(w.buyerA.token, { title: 't'.repeat(300), description: 'd'.repeat(20_000) });
    const minimal = await t.http().post('/api/v1/needs').set(bearer(w.buyerA.token)).send({ title: 'Cloud hosting', description: 'Hosting' }).expect(201);
    expect(minimal.body).toMatchObject({ cpvCodes: [], regions: [], commitmentIds: [], budgetMin: null, submissionDeadline: null });
    const hundred = Array.from({ length: 100 }, (_, i) => `requirement ${i}`);
    await createNeed(w.buyerA.token, { essentialRequirements: hundred, regions: [], requiredCertifications: [] });
  });

  it.each([
    [{ title: 't'.repeat(301) }, 'title'],
    [{ title: '' }, 'title'],
    [{ description: 'd'.repeat(20_001) }, 'description'],
    [{ budgetMin: -1 }, 'budgetMin'],
    [{ budgetMin: 10.5 }, 'budgetMin'],
    [{ budgetMax: '100' }, 'budgetMax'],
    [{ budgetMin: 2e16 }, 'budgetMin'],
    [{ budgetMin: 500, budgetMax: 100 }, 'budgetMin'],
    [{ cpvCodes: ['7200000-5'] }, 'cpvCodes'],
    [{ cpvCodes: ['99999999-9'] }, 'cpvCodes[0]'],
    [{ cpvCodes: ['72000000-5', '72000000-5'] }, 'cpvCodes'],
    [{ regions: ['atlantis'] }, 'regions'],
    [{ requiredCertifications: ['ISO 27001'] }, 'requiredCertifications'],
    [{ commitmentIds: ['not-a-uuid'] }, 'commitmentIds'],
    [{ commitmentIds: ['00000000-0000-4000-8000-000000000000'] }, 'commitmentIds[0]'],
    [{ submissionDeadline: '2026-02-30T10:00:00Z' }, 'submissionDeadline'],
    [{ submissionDeadline: 'tomorrow' }, 'submissionDeadline'],
    [{ essentialRequirements: Array.from({ length: 101 }, () => 'x') }, 'essentialRequirements'],
    [{ status: 'open' }, 'status'],
    [{ organisationId: '00000000-0000-4000-8000-000000000000' }, 'organisationId'],
    [{ version: 7 }, 'version'],
    [{ id: '00000000-0000-4000-8000-000000000000' }, 'id'],
  ])('refuses %j naming %s, and stores nothing', async (overrides, field) => {
    const before = await needCount();
    const res = await t.http().post('/api/v1/needs').set(bearer(w.buyerA.token)).send(needBody(overrides)).expect(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await needCount()).toBe(before);
  });

  describe('lifecycle', () => {
    it('publishes a draft, then closes it; illegal moves answer 409', async () => {
      const need = await createNeed();
      const published = await t.http().post(`/api/v1/needs/${need.id}/publish`).set(bearer(w.buyerA.token)).expect(200);
      expect(published.body).toMatchObject({ status: 'open', version: 2, publishedAt: expect.any(String) });
      const again = await t.http().post(`/api/v1/needs/${need.id}/publish`).set(bearer(w.buyerA.token)).expect(409);
      expect(again.body.code).toBe('NEED.INVALID_TRANSITION');
      await t.http().post(`/api/v1/needs/${need.id}/close`).set(bearer(w.buyerA.token)).expect(200);
      await t.http().post(`/api/v1/needs/${need.id}/close`).set(bearer(w.buyerA.token)).expect(409);
      await t.http().post(`/api/v1/needs/${need.id}/cancel`).set(bearer(w.buyerA.token)).expect(200);
      await t.http().post(`/api/v1/needs/${need.id}/cancel`).set(bearer(w.buyerA.token)).expect(409);
    });

    it('refuses to publish without a future deadline', async () => {
      const noDeadline = (await t.http().post('/api/v1/needs').set(bearer(w.buyerA.token)).send({ title: 'x', description: 'y' })).body;
      const res = await t.http().post(`/api/v1/needs/${noDeadline.id}/publish`).set(bearer(w.buyerA.token)).expect(400);
      expect(res.body.errors[0].field).toBe('submissionDeadline');
      const past = await createNeed(w.buyerA.token, { submissionDeadline: '2020-01-01T00:00:00Z' });
      await t.http().post(`/api/v1/needs/${past.id}/publish`).set(bearer(w.buyerA.token)).expect(400);
      expect((await t.http().get(`/api/v1/needs/${past.id}`).set(bearer(w.buyerA.token))).body.status).toBe('draft');
    });

    it('enqueues a matching job when a need is published', async () => {
      const need = await createNeed();
      const published = await t.http().post(`/api/v1/needs/${need.id}/publish`).set(bearer(w.buyerA.token)).expect(200);
      const { JobsService } = await import('src/queue/jobs.service');
      const queue = t.app.get(JobsService).queue('matching');
      const job = await queue.getJob(`need-${need.id}-v${published.body.version}`);
      expect(job?.name).toBe('need.publish');
      expect(job?.data).toEqual({ needId: need.id, needVersion: published.body.version });
    });
  });

  describe('editing with If-Match', () => {
    it('applies an edit made from the current version and bumps it', async () => {
      const need = await createNeed();
      const res = await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '1').send({ title: 'New title' }).expect(200);
      expect(res.body).toMatchObject({ title: 'New title', version: 2, description: need.description });
    });

    it('answers 412 to a stale version and 428 without If-Match', async () => {
      const need = await createNeed();
      await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '"1"').send({ title: 'First' }).expect(200);
      const stale = await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '1').send({ title: 'Second' }).expect(412);
      expect(stale.body.code).toBe('NEED.VERSION_MISMATCH');
      await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).send({ title: 'Third' }).expect(428);
      expect((await t.http().get(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token))).body.title).toBe('First');
    });

    it('lets exactly one of twenty concurrent edits from the same version win', async () => {
      const need = await createNeed();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '1').send({ title: `Edit ${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const final = await t.http().get(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token));
      expect(final.body.version).toBe(2);
      const audits = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE object_id = $1 AND action = 'need.update'`, [need.id]);
      expect(audits[0].n).toBe(1);
    });

    it('refuses to edit status or version through PATCH', async () => {
      const need = await createNeed();
      for (const body of [{ status: 'open' }, { version: 5 }, { organisationId: w.buyerB.organisationId }]) {
        await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '1').send(body).expect(400);
      }
      const after = await t.http().get(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token));
      expect(after.body).toMatchObject({ status: 'draft', version: 1, organisationId: w.buyerA.organisationId });
    });

    it('refuses an edit that would put budgetMin above budgetMax', async () => {
      const need = await createNeed();
      const res = await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '1').send({ budgetMin: 60_000_000 }).expect(400);
      expect(res.body.errors[0].field).toBe('budgetMin');
    });

    it('refuses to edit a closed need with 409', async () => {
      const need = await createNeed();
      await t.http().post(`/api/v1/needs/${need.id}/publish`).set(bearer(w.buyerA.token)).expect(200);
      await t.http().post(`/api/v1/needs/${need.id}/close`).set(bearer(w.buyerA.token)).expect(200);
      await t.http().patch(`/api/v1/needs/${need.id}`).set(bearer(w.buyerA.token)).set('if-match', '3').send({ title: 'Late' }).expect(409);
    });
  });

  describe('reading and listing', () => {
    let draftA: { id: string };
    let openA: { id: string };
    let openB: { id: string };

    beforeAll(async () => {
      draftA = await createNeed(w.buyerA.token, { title: 'Draft zebra crossing sensors' });
      openA = await createNeed(w.buyerA.token, { title: 'Open zebra crossing analytics', cpvCodes: ['72212000-4'] });
      await t.http().post(`/api/v1/needs/${openA.id}/publish`).set(bearer(w.buyerA.token)).expect(200);
      openB = await createNeed(w.buyerB.token, { title: 'Open zebra crossing maintenance', cpvCodes: ['50000000-5'] });
      await t.http().post(`/api/v1/needs/${openB.id}/publish`).set(bearer(w.buyerB.token)).expect(200);
    });

    it('shows drafts to their organisation only', async () => {
      await t.http().get(`/api/v1/needs/${draftA.id}`).set(bearer(w.buyerA.token)).expect(200);
      await t.http().get(`/api/v1/needs/${draftA.id}`).set(bearer(w.reviewerA.token)).expect(200);
      await t.http().get(`/api/v1/needs/${draftA.id}`).set(bearer(w.buyerB.token)).expect(404);
      await t.http().get(`/api/v1/needs/${draftA.id}`).set(bearer(w.supplierA.token)).expect(404);
      await t.http().get(`/api/v1/needs/${draftA.id}`).expect(404);
      await t.http().get(`/api/v1/needs/${openA.id}`).expect(200);
    });

    it('lists published needs for anonymous readers, with filters and pagination', async () => {
      const all = await t.http().get('/api/v1/needs?q=zebra').expect(200);
      const ids = all.body.items.map((n: { id: string }) => n.id);
      expect(ids).toEqual(expect.arrayContaining([openA.id, openB.id]));
      expect(ids).not.toContain(draftA.id);
      for (const item of all.body.items) expect(['open', 'closed', 'awarded']).toContain(item.status);

      const byCpv = await t.http().get('/api/v1/needs?q=zebra&cpv=7221').expect(200);
      expect(byCpv.body.items.map((n: { id: string }) => n.id)).toEqual([openA.id]);

      const byOrg = await t.http().get(`/api/v1/needs?q=zebra&organisationId=${w.buyerB.organisationId}`).expect(200);
      expect(byOrg.body.items.map((n: { id: string }) => n.id)).toEqual([openB.id]);

      const paged = await t.http().get('/api/v1/needs?q=zebra&pageSize=1&page=2').expect(200);
      expect(paged.body).toMatchObject({ page: 2, pageSize: 1, total: 2 });
      expect(paged.body.items).toHaveLength(1);
    });

    it("lists the reader's own drafts alongside published needs", async () => {
      const mine = await t.http().get('/api/v1/needs?q=zebra&status=draft').set(bearer(w.buyerA.token)).expect(200);
      expect(mine.body.items.map((n: { id: string }) => n.id)).toEqual([draftA.id]);
      const theirs = await t.http().get('/api/v1/needs?q=zebra&status=draft').set(bearer(w.buyerB.token)).expect(200);
      expect(theirs.body.items).toEqual([]);
    });

    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      const bad = await t.http().get('/api/v1/needs/not-a-uuid').expect(400);
      expect(bad.body.errors[0].field).toBe('id');
      await t.http().get('/api/v1/needs/00000000-0000-4000-8000-000000000000').expect(404);
    });
  });
});
