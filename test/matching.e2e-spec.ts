import { toMatchItemResponse } from 'src/matching/dto/match.dto';
import { MatchesRepository } from 'src/matching/matches.repository';
import { MatchingJobsService } from 'src/matching/matching-jobs.service';
import { JobsService } from 'src/queue/jobs.service';
import { jobIdOf, MATCHING_QUEUE } from 'src/queue/queue.definitions';
import { createWorld, needBody, profileBody, registerSupplier, World, Actor } from './support/actors';
import { clearQueuePrefix, createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const ACCESSIBLE_BOOKING = profileBody({
  summary: 'We design, build and run accessible online booking services for councils and schools.',
  capabilities: ['online booking services', 'accessibility audits', 'GOV.UK Design System'],
  caseStudies: [{ title: 'School admissions booking', description: 'Built an accessible online admissions booking service for a London council.' }],
  cpvCodes: ['72212000-4'],
  certifications: ['cyber-essentials'],
  regions: ['london'],
});

const ROAD_MAINTENANCE = profileBody({
  summary: 'Resurfacing and maintenance of rural roads and bridges.',
  capabilities: ['road resurfacing', 'bridge inspection'],
  caseStudies: [{ title: 'Highland roads', description: 'Resurfaced 200 km of single-track roads.' }],
  cpvCodes: ['45233141-9'],
  certifications: [],
  regions: ['scotland'],
  maxContractValue: 1_000_000,
});

const BOOKING_NEED = needBody({
  title: 'Accessible online booking service for school admissions',
  description: 'Design and run an accessible online booking service for school admissions.',
  cpvCodes: ['72212000-4'],
  regions: ['london'],
  requiredCertifications: ['cyber-essentials'],
  essentialRequirements: ['accessibility audits'],
});

describe('Matching', () => {
  let t: TestApp;
  let w: World;
  let needId: string;

  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
  const matchesOf = (id: string, actor: Actor = w.buyerA) => t.http().get(`/api/v1/needs/${id}/matches?pageSize=100`).set(bearer(actor));
  const waitForComplete = (id: string, check: (body: { items: { supplierId: string }[] }) => boolean = () => true) =>
    waitFor(
      async () => {
        const res = await matchesOf(id);
        return res.body.status === 'complete' && check(res.body) ? res.body : undefined;
      },
      { timeoutMs: 20_000, what: `matches of ${id}` },
    );
  const snapshot = (id: string) =>
    t.dataSource.query(`SELECT * FROM matches WHERE need_id = $1 ORDER BY supplier_id`, [id]);

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA)).send(ACCESSIBLE_BOOKING).expect(200);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierB)).send(ROAD_MAINTENANCE).expect(200);
    const created = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(BOOKING_NEED).expect(201);
    needId = created.body.id;
    await t.http().post(`/api/v1/needs/${needId}/publish`).set(bearer(w.buyerA)).expect(200);
  });

  afterAll(async () => {
    await t.close();
  });

  it('ranks the supplier whose profile matches the text and CPV above one that does not, and explains why', async () => {
    const body = await waitForComplete(needId, (b) => b.items.length >= 2);
    const [first, second] = body.items as Array<Record<string, any>>;
    expect(first).toMatchObject({ supplierId: w.supplierA.organisationId, rank: 1, supplierName: 'supplier-a Ltd', decision: null });
    expect(second).toMatchObject({ supplierId: w.supplierB.organisationId, rank: 2 });
    expect(first.score).toBeGreaterThan(second.score);
    expect(first.score).toBeLessThanOrEqual(100);
    expect(first.explanation.matchedTerms.length).toBeGreaterThan(0);
    expect(first.explanation.matchedTerms[0]).toEqual({ term: expect.any(String), weight: expect.any(Number) });
    expect(first.explanation.cpvMatches).toEqual([{ need: '72212000-4', supplier: '72212000-4', level: 'exact' }]);
    expect(first.explanation.failedRequirements).toEqual([]);
    expect(second.explanation.failedRequirements.length).toBeGreaterThanOrEqual(2);
    expect(second.components.eligibility).toBeLessThan(1);
    expect(body.scoredAt).toEqual(expect.any(String));
  });

  it('shows the need among the supplier\'s opportunities', async () => {
    const res = await t.http().get('/api/v1/suppliers/me/opportunities').set(bearer(w.supplierA)).expect(200);
    expect(res.body.items[0]).toMatchObject({ needId, title: BOOKING_NEED.title, score: expect.any(Number) });
  });

  it('lists the supplier\'s open needs best first, page by page, and drops a need once it closes', async () => {
    const publish = async (body: Record<string, unknown>) => {
      const created = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(body).expect(201);
      await t.http().post(`/api/v1/needs/${created.body.id}/publish`).set(bearer(w.buyerA)).expect(200);
      return created.body.id as string;
    };
    const opportunities = (query: string) => t.http().get(`/api/v1/suppliers/me/opportunities${query}`).set(bearer(w.supplierA)).expect(200);
    const roadsId = await publish(
      needBody({ title: 'Resurfacing of rural roads', description: 'Resurface single-track roads and inspect bridges.', cpvCodes: ['45233141-9'], regions: ['scotland'] }),
    );
    const leisureId = await publish(
      needBody({ title: 'Online booking for leisure centres', description: 'An accessible online booking service for council leisure centres.', cpvCodes: ['72212000-4'] }),
    );
    await waitForComplete(roadsId);
    await waitForComplete(leisureId);

    const all = (await opportunities('?pageSize=100')).body;
    const ids: string[] = all.items.map((item: { needId: string }) => item.needId);
    expect(ids).toEqual(expect.arrayContaining([needId, roadsId, leisureId]));
    expect(all.total).toBe(all.items.length);
    const scores: number[] = all.items.map((item: { score: number }) => item.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(ids.indexOf(leisureId)).toBeLessThan(ids.indexOf(roadsId));

    const second = (await opportunities('?page=2&pageSize=1')).body;
    expect(second).toMatchObject({ page: 2, pageSize: 1, total: all.total });
    expect(second.items.map((item: { needId: string }) => item.needId)).toEqual([ids[1]]);
    expect((await opportunities(`?page=${all.total + 1}&pageSize=1`)).body).toMatchObject({ items: [], total: all.total });

    await t.http().post(`/api/v1/needs/${roadsId}/close`).set(bearer(w.buyerA)).expect(200);
    const afterClose = (await opportunities('?pageSize=100')).body;
    expect(afterClose.items.map((item: { needId: string }) => item.needId)).not.toContain(roadsId);
    expect(afterClose.total).toBe(all.total - 1);
  });

  it('re-scores a changed profile against open needs without touching the buyer\'s decision', async () => {
    await t.http()
      .put(`/api/v1/needs/${needId}/matches/${w.supplierB.organisationId}/decision`)
      .set(bearer(w.buyerA))
      .send({ decision: 'rejected', reason: 'Roads, not software.' })
      .expect(200);
    const before = (await matchesOf(needId)).body.items.find((i: { supplierId: string }) => i.supplierId === w.supplierB.organisationId);

    await t.http()
      .put('/api/v1/suppliers/me/profile')
      .set(bearer(w.supplierB))
      .send({ ...ACCESSIBLE_BOOKING, summary: 'We now build accessible online booking services for schools.' })
      .expect(200);

    const after = await waitFor(
      async () => {
        const item = (await matchesOf(needId)).body.items.find((i: { supplierId: string }) => i.supplierId === w.supplierB.organisationId);
        return item && item.profileVersion === 2 ? item : undefined;
      },
      { what: 'the re-scored profile' },
    );
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.decision).toMatchObject({ decision: 'rejected', reason: 'Roads, not software.', decidedBy: w.buyerA.userId });
  });

  it('answers, page by page, exactly what the response mapping makes of the stored rows', async () => {
    // The list body is written by PostgreSQL (the API's hottest read); toMatchItemResponse is the
    // contract it must keep, decisions and timestamps included.
    const repository = t.app.get(MatchesRepository);
    const { body: all, headers } = await matchesOf(needId).expect(200);
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(all.items.some((i: { decision: unknown }) => i.decision !== null)).toBe(true);
    const expected = await Promise.all(
      all.items.map(async (item: { supplierId: string }, i: number) => toMatchItemResponse((await repository.findOne(needId, item.supplierId))!, i + 1)),
    );
    expect(all.items).toEqual(expected);
    expect(all).toEqual({ status: 'complete', scoredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), page: 1, pageSize: 100, total: expected.length, items: expected });

    const second = await t.http().get(`/api/v1/needs/${needId}/matches?page=2&pageSize=1`).set(bearer(w.buyerA)).expect(200);
    expect(second.body).toEqual({ ...all, page: 2, pageSize: 1, items: [expected[1]] });
    const beyond = await t.http().get(`/api/v1/needs/${needId}/matches?page=9&pageSize=50`).set(bearer(w.buyerA)).expect(200);
    expect(beyond.body).toMatchObject({ page: 9, pageSize: 50, total: expected.length, items: [] });
  });

  it('leaves identical rows when the same job runs twice, or on two workers at once', async () => {
    const jobs = t.app.get(MatchingJobsService);
    await jobs.scoreNeed(needId, { force: true });
    const once = await snapshot(needId);
    await jobs.scoreNeed(needId, { force: true });
    expect(await snapshot(needId)).toEqual(once);

    // A second worker process (its own index, built from PostgreSQL) on the same database and queue.
    const second = await createTestApp({ database: t.database, env: { QUEUE_PREFIX: t.config.queuePrefix } });
    try {
      await Promise.all([jobs.scoreNeed(needId, { force: true }), second.app.get(MatchingJobsService).scoreNeed(needId, { force: true })]);
      expect(await snapshot(needId)).toEqual(once);
      const [dupes] = await t.dataSource.query(`SELECT count(*)::int AS n FROM (SELECT need_id, supplier_id FROM matches GROUP BY 1, 2 HAVING count(*) > 1) d`);
      expect(dupes.n).toBe(0);
    } finally {
      await second.app.close();
    }
  });

  it('scores a need against suppliers that registered after other needs were scored', async () => {
    const late = await registerSupplier(t, 'late-supplier');
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(late)).send(ACCESSIBLE_BOOKING).expect(200);
    await waitFor(
      async () => ((await matchesOf(needId)).body.items.some((i: { supplierId: string }) => i.supplierId === late.organisationId) ? true : undefined),
      { what: 'the late supplier to enter the ranking' },
    );
  });

  it('keeps the ranking of an edited open need fresh', async () => {
    const res = await t.http().get(`/api/v1/needs/${needId}`).set(bearer(w.buyerA));
    await t.http()
      .patch(`/api/v1/needs/${needId}`)
      .set(bearer(w.buyerA))
      .set('if-match', String(res.body.version))
      .send({ title: 'Road resurfacing and bridge inspection', description: 'Resurface rural roads.', cpvCodes: ['45233141-9'], essentialRequirements: [] })
      .expect(200);
    const body = await waitForComplete(needId);
    const supplierB = body.items.find((i: { supplierId: string; needVersion: number }) => i.supplierId === w.supplierB.organisationId);
    expect(body.items[0].needVersion).toBe(res.body.version + 1);
    expect(supplierB).toBeDefined();
  });

  it('refuses a decision without a reason, an unknown supplier, and other organisations', async () => {
    await t.http().put(`/api/v1/needs/${needId}/matches/${w.supplierA.organisationId}/decision`).set(bearer(w.buyerA)).send({ decision: 'shortlisted' }).expect(400);
    await t.http().put(`/api/v1/needs/${needId}/matches/${w.supplierA.organisationId}/decision`).set(bearer(w.buyerA)).send({ decision: 'maybe', reason: 'x' }).expect(400);
    await t.http().put(`/api/v1/needs/${needId}/matches/${w.buyerB.organisationId}/decision`).set(bearer(w.buyerA)).send({ decision: 'shortlisted', reason: 'x' }).expect(404);
    await matchesOf(needId, w.buyerB).expect(404);
    await matchesOf(needId, w.supplierA).expect(403);
    await t.http().get(`/api/v1/needs/${needId}/matches`).expect(401);
  });

  it('re-creates matching work lost with Redis from PostgreSQL', async () => {
    // An API without workers publishes a need; then Redis loses every queued job.
    const api = await createTestApp({ database: t.database, env: { RUN_WORKERS_IN_API: 'false' } });
    let lostNeedId: string;
    try {
      const created = await api.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(BOOKING_NEED).expect(201);
      lostNeedId = created.body.id;
      await api.http().post(`/api/v1/needs/${lostNeedId}/publish`).set(bearer(w.buyerA)).expect(200);
      await api.app.close();
      await clearQueuePrefix(api.config);
    } catch (error) {
      await api.app.close();
      throw error;
    }
    // A worker on another queue prefix (a fresh Redis, as far as it can tell): its reconcile pass,
    // run at start and then on a timer, re-creates the lost work from PostgreSQL.
    const [owedBefore] = await t.dataSource.query(`SELECT count(*)::int AS n FROM need_matching_state WHERE need_id = $1`, [lostNeedId]);
    expect(owedBefore.n).toBe(0);
    const worker = await createTestApp({ database: t.database });
    try {
      await waitFor(
        async () => {
          const res = await worker.http().get(`/api/v1/needs/${lostNeedId}/matches`).set(bearer(w.buyerA));
          return res.body.status === 'complete' && res.body.items.length > 0 ? true : undefined;
        },
        { what: 'the reconciled need to be scored' },
      );
      expect((await worker.app.get(MatchingJobsService).reconcile()).needs).toBe(0);
    } finally {
      await worker.app.close();
      await clearQueuePrefix(worker.config);
    }
  });

  it('runs again a completed job whose writes PostgreSQL lost', async () => {
    // The workers commit asynchronously: a PostgreSQL crash can lose a job's writes after the job
    // completed. Its record (kept an hour) would make re-adding its id a no-op.
    const created = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(BOOKING_NEED).expect(201);
    const lostNeedId: string = created.body.id;
    await t.http().post(`/api/v1/needs/${lostNeedId}/publish`).set(bearer(w.buyerA)).expect(200);
    await waitForComplete(lostNeedId);
    const queue = t.app.get(JobsService).queue(MATCHING_QUEUE);
    const [{ version }] = await t.dataSource.query(`SELECT version FROM procurement_needs WHERE id = $1`, [lostNeedId]);
    const jobId = jobIdOf('need.publish', { needId: lostNeedId, needVersion: version });
    // The job is marked completed just after its transaction commits.
    await waitFor(async () => ((await (await queue.getJob(jobId))?.getState()) === 'completed' ? true : undefined), {
      what: 'the publish job to be completed',
    });
    // The suppliers kept (every one, in this small world); their scores may move with corpus statistics.
    const ranked = (id: string) => t.dataSource.query(`SELECT supplier_id FROM matches WHERE need_id = $1 ORDER BY supplier_id`, [id]);
    const before = await ranked(lostNeedId);
    expect(before.length).toBeGreaterThan(0);
    await t.dataSource.query(`DELETE FROM matches WHERE need_id = $1`, [lostNeedId]);
    await t.dataSource.query(`DELETE FROM need_matching_state WHERE need_id = $1`, [lostNeedId]);
    expect((await matchesOf(lostNeedId).expect(200)).body.status).toBe('pending');

    expect((await t.app.get(MatchingJobsService).reconcile()).needs).toBeGreaterThanOrEqual(1);
    await waitForComplete(lostNeedId, (page) => page.items.length > 0);
    expect(await ranked(lostNeedId)).toEqual(before);
    expect((await t.app.get(MatchingJobsService).reconcile()).needs).toBe(0);
  });
});

describe('Matching, a changed profile entering and leaving a full need', () => {
  // Two kept matches per need, and the queue paused: the test runs each job itself, in order.
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestApp({ env: { MATCHES_PER_NEED: '2' } });
    await t.app.get(JobsService).queue(MATCHING_QUEUE).pause();
    w = await createWorld(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps the suppliers, count and threshold that a full re-ranking keeps', async () => {
    const jobs = t.app.get(MatchingJobsService);
    const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
    const putProfile = (actor: Actor, body: Record<string, unknown>) =>
      t.http().put('/api/v1/suppliers/me/profile').set(bearer(actor)).send(body).expect(200);
    const third = await registerSupplier(t, 'third-supplier');
    // Three booking suppliers of decreasing fit, and a road supplier.
    await putProfile(w.supplierA, ACCESSIBLE_BOOKING);
    await putProfile(third, { ...ACCESSIBLE_BOOKING, summary: 'Online booking services.', capabilities: ['booking'], caseStudies: [] });
    await putProfile(w.supplierB, ROAD_MAINTENANCE);
    const created = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(BOOKING_NEED).expect(201);
    const needId: string = created.body.id;
    await t.http().post(`/api/v1/needs/${needId}/publish`).set(bearer(w.buyerA)).expect(200);
    await jobs.scoreNeed(needId);

    const kept = async () => {
      const rows: { supplier_id: string; score: number }[] = await t.dataSource.query(
        `SELECT supplier_id, score::float8 AS score FROM matches WHERE need_id = $1 AND decision IS NULL ORDER BY score DESC, supplier_id`,
        [needId],
      );
      const [state] = await t.dataSource.query(
        `SELECT match_count, threshold::float8 AS threshold, tail_suppliers::text[] AS tail FROM need_matching_state WHERE need_id = $1`,
        [needId],
      );
      // The state row always describes the rows kept: their count, lowest score and (unless a
      // decision cleared it) the worst of them, worst first.
      expect({ ...state, tail: state.tail.length ? state.tail : undefined }).toEqual({
        match_count: rows.length,
        threshold: rows[rows.length - 1].score,
        tail: state.tail.length ? rows.map((row) => row.supplier_id).reverse() : undefined,
      });
      return rows.map((row) => row.supplier_id);
    };
    // What the incremental path kept is what ranking the need in full keeps.
    const keptAsInFull = async () => {
      const incremental = await kept();
      await jobs.scoreNeed(needId, { force: true });
      expect(await kept()).toEqual(incremental);
      return incremental;
    };

    expect(await keptAsInFull()).toEqual([w.supplierA.organisationId, third.organisationId]);

    // The road supplier turns to booking services: it enters and the weakest kept supplier leaves.
    await putProfile(w.supplierB, { ...ACCESSIBLE_BOOKING, summary: `${ACCESSIBLE_BOOKING.summary} School admissions booking is all we do.` });
    expect((await jobs.scoreProfile(w.supplierB.organisationId!)).entered).toBe(1);
    const entered = await keptAsInFull();
    expect(entered).toHaveLength(2);
    expect(entered).toContain(w.supplierB.organisationId);
    expect(entered).not.toContain(third.organisationId);

    // And back to roads: it leaves, and the need's next best comes back.
    await putProfile(w.supplierB, ROAD_MAINTENANCE);
    expect((await jobs.scoreProfile(w.supplierB.organisationId!)).left).toBe(1);
    expect(await keptAsInFull()).toEqual([w.supplierA.organisationId, third.organisationId]);

    // A decided supplier is kept besides the best two undecided: once the buyer shortlists the best
    // supplier, the road supplier turning to booking again enters without pushing the third out,
    // and the decided row stays as it was decided.
    await t
      .http()
      .put(`/api/v1/needs/${needId}/matches/${w.supplierA.organisationId}/decision`)
      .set(bearer(w.buyerA))
      .send({ decision: 'shortlisted', reason: 'Accessible booking is what we need.' })
      .expect(200);
    // The decided row leaves the kept count at once, and the need is queued for a full re-ranking
    // that gives the place to its next-best supplier.
    expect(await kept()).toEqual([third.organisationId]);
    const queued = await t.app.get(JobsService).queue(MATCHING_QUEUE).getJobs(['prioritized', 'waiting', 'paused']);
    expect(queued.filter((job) => job.name === 'need.rerank').map((job) => job.data.needId)).toEqual([needId]);
    await jobs.scoreNeed(needId, { force: true });
    const refilled = await kept();
    expect(refilled).toHaveLength(2);
    expect(refilled[0]).toBe(third.organisationId);
    await putProfile(w.supplierB, { ...ACCESSIBLE_BOOKING, summary: `${ACCESSIBLE_BOOKING.summary} School admissions booking is all we do.` });
    expect((await jobs.scoreProfile(w.supplierB.organisationId!)).entered).toBe(1);
    expect(new Set(await keptAsInFull())).toEqual(new Set([w.supplierB.organisationId, third.organisationId]));
    const [decided] = await t.dataSource.query(`SELECT decision FROM matches WHERE need_id = $1 AND supplier_id = $2`, [needId, w.supplierA.organisationId]);
    expect(decided).toEqual({ decision: 'shortlisted' });
  });
});
