import { ReadCache } from 'src/database/read-cache';
import { Actor, createWorld, needBody, profileBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/**
 * The read cache of GET /needs/:id/matches and GET /needs must never outlive a committed change: not
 * one made by a worker or another API process (PostgreSQL's notification), not one made through
 * this process (dropped before the write is answered), not while it cannot listen.
 */
describe('Read cache', () => {
  let t: TestApp;
  let w: World;
  let needId: string;
  let cache: ReadCache;

  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
  const matchesOf = async (app: TestApp = t) => (await app.http().get(`/api/v1/needs/${needId}/matches`).set(bearer(w.buyerA)).expect(200)).body;
  const publicNeeds = async () => (await t.http().get('/api/v1/needs?pageSize=100').expect(200)).body;
  const itemOf = (body: { items: { supplierId: string }[] }, supplierId: string | null) => body.items.find((i) => i.supplierId === supplierId) as any;
  const listenerPids = async () =>
    (await t.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'procurement-match-read-cache'`, [t.database])).map(
      (row: { pid: number }) => row.pid,
    );

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
    cache = t.app.get(ReadCache);
    for (const supplier of [w.supplierA, w.supplierB]) {
      await t.http().put('/api/v1/suppliers/me/profile').set(bearer(supplier)).send(profileBody()).expect(200);
    }
    needId = (await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(needBody()).expect(201)).body.id;
    await t.http().post(`/api/v1/needs/${needId}/publish`).set(bearer(w.buyerA)).expect(200);
    await waitFor(async () => {
      const body = await matchesOf();
      return body.status === 'complete' && body.items.length === 2 ? true : undefined;
    }, { what: 'the need scored' });
    await waitFor(async () => (cache.stats().listening ? true : undefined), { what: 'the cache listening' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers repeated reads from memory, still checking who reads', async () => {
    const first = await matchesOf();
    const entriesBefore = cache.stats().entries;
    expect(await matchesOf()).toEqual(first);
    expect(cache.stats().entries).toBe(entriesBefore);
    expect(entriesBefore).toBeGreaterThan(0);
    // A cached answer is not another organisation's to read, and not a supplier's.
    await t.http().get(`/api/v1/needs/${needId}/matches`).set(bearer(w.buyerB)).expect(404);
    await t.http().get(`/api/v1/needs/${needId}/matches`).set(bearer(w.supplierA)).expect(403);
  });

  it("shows a change committed elsewhere (a worker, another process) once PostgreSQL's notification arrives", async () => {
    await matchesOf();
    await t.dataSource.query(`UPDATE matches SET score = 12.5 WHERE need_id = $1 AND supplier_id = $2`, [needId, w.supplierA.organisationId]);
    const changed = await waitFor(async () => {
      const item = itemOf(await matchesOf(), w.supplierA.organisationId);
      return item.score === 12.5 ? item : undefined;
    }, { timeoutMs: 2000, what: 'the changed score' });
    expect(changed.score).toBe(12.5);

    await t.dataSource.query(`UPDATE organisations SET name = 'Renamed Supplier Ltd' WHERE id = $1`, [w.supplierB.organisationId]);
    await waitFor(async () => (itemOf(await matchesOf(), w.supplierB.organisationId).supplierName === 'Renamed Supplier Ltd' ? true : undefined), {
      timeoutMs: 2000,
      what: 'the new supplier name',
    });
  });

  it("lets a client read its own writes at once, and another API process read them after the notification", async () => {
    const other = await createTestApp({ database: t.database, env: { QUEUE_PREFIX: t.config.queuePrefix, RUN_WORKERS_IN_API: 'false' } });
    try {
      await matchesOf(other);
      await t.http()
        .put(`/api/v1/needs/${needId}/matches/${w.supplierA.organisationId}/decision`)
        .set(bearer(w.buyerA))
        .send({ decision: 'shortlisted', reason: 'Strong case studies.' })
        .expect(200);
      expect(itemOf(await matchesOf(), w.supplierA.organisationId).decision).toMatchObject({ decision: 'shortlisted' });
      await waitFor(async () => (itemOf(await matchesOf(other), w.supplierA.organisationId).decision ? true : undefined), {
        timeoutMs: 2000,
        what: 'the decision seen by the other process',
      });

      const before = await publicNeeds();
      const created = await other.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(needBody({ title: 'Cached lists see new needs' })).expect(201);
      await other.http().post(`/api/v1/needs/${created.body.id}/publish`).set(bearer(w.buyerA)).expect(200);
      const after = await waitFor(async () => {
        const body = await publicNeeds();
        return body.total === before.total + 1 ? body : undefined;
      }, { timeoutMs: 2000, what: 'the new need in the public list' });
      expect(after.items.map((n: { id: string }) => n.id)).toContain(created.body.id);
    } finally {
      await other.app.close();
    }
  });

  it('serves nothing from memory while it cannot listen, and listens again by itself', async () => {
    await matchesOf();
    const [pid] = await listenerPids();
    await t.dataSource.query(`SELECT pg_terminate_backend($1)`, [pid]);
    await waitFor(async () => (cache.stats().listening ? undefined : true), { timeoutMs: 2000, what: 'the cache to notice' });
    expect(cache.stats().entries).toBe(0);

    // Changed while no one listens: read from PostgreSQL, so seen at once.
    await t.dataSource.query(`UPDATE matches SET score = 33.3 WHERE need_id = $1 AND supplier_id = $2`, [needId, w.supplierB.organisationId]);
    expect(itemOf(await matchesOf(), w.supplierB.organisationId).score).toBe(33.3);
    expect(cache.stats().entries).toBe(0);

    await waitFor(async () => (cache.stats().listening ? true : undefined), { timeoutMs: 5000, what: 'listening again' });
    expect(await listenerPids()).toHaveLength(1);
    await matchesOf();
    expect(cache.stats().entries).toBeGreaterThan(0);
  });
});
