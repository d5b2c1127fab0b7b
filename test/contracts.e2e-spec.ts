import { Actor, createWorld, needBody, profileBody, World } from './support/actors';
import { compileReleasePackageValidator } from './support/ocds-validator';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

// Pot per period = floor(8,000,000 × 0.5 / 5) = 800,000 pence.
const TERMS = {
  value: 8_000_000,
  startDate: '2027-04-01',
  endDate: '2029-03-31',
  outcomePaymentShare: 0.5,
  reviewPeriods: 5,
  outcomes: [
    { name: 'Applications completed online', unit: '%', baseline: 0, target: 100, direction: 'increase', weight: 0.5 },
    { name: 'Days to a decision', unit: 'days', baseline: 50, target: 10, direction: 'decrease', weight: 0.25 },
    { name: 'User satisfaction', unit: '%', baseline: 20, target: 70, direction: 'increase', weight: 0.25 },
  ],
};

describe('Outcome-based contracts and reviews', () => {
  let t: TestApp;
  let w: World;
  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });

  let commitmentId: string;
  let indicatorId: string;
  const scoredNeed = async (overrides: Record<string, unknown> = {}) => {
    const need = (await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(needBody(overrides)).expect(201)).body;
    await t.http().post(`/api/v1/needs/${need.id}/publish`).set(bearer(w.buyerA)).expect(200);
    await waitFor(async () => {
      const res = await t.http().get(`/api/v1/needs/${need.id}/matches`).set(bearer(w.buyerA));
      return res.body.status === 'complete' && res.body.items.length >= 2 ? true : undefined;
    });
    return need.id as string;
  };
  const award = (needId: string, body: Record<string, unknown>) =>
    t.http().post(`/api/v1/needs/${needId}/award`).set(bearer(w.buyerA)).send({ supplierId: w.supplierA.organisationId, reason: 'Best fit on outcomes', ...TERMS, ...body });

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA)).send(profileBody()).expect(200);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierB)).send(profileBody({ summary: 'Road resurfacing', capabilities: ['roads'], caseStudies: [], cpvCodes: [] })).expect(200);
    commitmentId = (
      await t.http()
        .post('/api/v1/roadmap/commitments')
        .set(bearer(w.admin))
        .send({ priority: 1, aims: ['easier-lives'], title: 'Apply for a school place online', description: 'End to end', leadDepartment: 'DfE', dueDate: '2028-03-31', status: 'in_progress' })
        .expect(201)
    ).body.id;
    indicatorId = (
      await t.http()
        .post(`/api/v1/roadmap/commitments/${commitmentId}/indicators`)
        .set(bearer(w.admin))
        .send({ name: 'Applications completed online', unit: '%', baseline: 0, target: 100, direction: 'increase' })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('takes a need from publication to an outcome payment, shown in roadmap progress and the OCDS register', async () => {
    const needId = await scoredNeed({ commitmentIds: [commitmentId] });
    await t.http()
      .put(`/api/v1/needs/${needId}/matches/${w.supplierA.organisationId}/decision`)
      .set(bearer(w.buyerA))
      .send({ decision: 'shortlisted', reason: 'Relevant case studies' })
      .expect(200);
    const outcomes = [{ ...TERMS.outcomes[0], indicatorId }, TERMS.outcomes[1], TERMS.outcomes[2]];
    const awarded = await award(needId, { reason: 'Top of the shortlist', outcomes }).expect(201);
    const contract = awarded.body;
    expect(contract).toMatchObject({
      needId,
      supplierId: w.supplierA.organisationId,
      value: 8_000_000,
      currency: 'GBP',
      status: 'active',
      ocid: `ocds-pmatch-${needId}`,
      awardRank: 1,
      paidToDate: 0,
      remainingOutcomePot: 4_000_000,
    });
    expect(contract.awardScore).toBeGreaterThan(0);
    expect(contract.outcomes).toHaveLength(3);
    expect((await t.http().get(`/api/v1/needs/${needId}`)).body.status).toBe('awarded');

    const [online, days, satisfaction] = contract.outcomes;
    const submitted = await t.http()
      .post(`/api/v1/contracts/${contract.id}/reviews`)
      .set(bearer(w.reviewerA))
      .send({
        period: 1,
        measurements: [
          { outcomeId: online.id, value: 70, evidence: 'Analytics export, quarter 1' },
          { outcomeId: days.id, value: 34, evidence: 'Casework system report' },
          { outcomeId: satisfaction.id, value: 60, evidence: 'Exit survey, 1,204 responses' },
        ],
      })
      .expect(201);
    // Attainments 0.7, (50−34)/(50−10) = 0.4 and (60−20)/(70−20) = 0.8; weighted 0.65 of 800,000.
    expect(submitted.body).toMatchObject({
      period: 1,
      status: 'submitted',
      weightedAttainment: 0.65,
      rating: 'requires_improvement',
      paymentDue: 520_000,
    });
    expect(submitted.body.attainments).toEqual([
      { outcomeId: online.id, attainment: 0.7 },
      { outcomeId: days.id, attainment: 0.4 },
      { outcomeId: satisfaction.id, attainment: 0.8 },
    ]);

    const own = await t.http().post(`/api/v1/contracts/${contract.id}/reviews/${submitted.body.id}/approve`).set(bearer(w.reviewerA)).send({}).expect(403);
    expect(own.body.code).toBe('REVIEW.OWN_REVIEW');
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews/${submitted.body.id}/approve`).set(bearer(w.reviewerA2)).send({ reason: 'Evidence checked' }).expect(200);
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews/${submitted.body.id}/approve`).set(bearer(w.reviewerA2)).send({}).expect(409);

    const publicView = (await t.http().get(`/api/v1/contracts/${contract.id}`).expect(200)).body;
    expect(publicView).toMatchObject({ paidToDate: 520_000, remainingOutcomePot: 3_480_000 });
    expect(publicView.reviews).toEqual([expect.objectContaining({ period: 1, status: 'approved', paymentDue: 520_000 })]);
    expect(publicView.performance[0].series).toEqual([{ period: 1, value: 70, attainment: 0.7 }]);
    expect(publicView.awardReason).toBeUndefined();
    expect(JSON.stringify(publicView)).not.toContain('Analytics export');
    const partyView = (await t.http().get(`/api/v1/contracts/${contract.id}`).set(bearer(w.buyerA)).expect(200)).body;
    expect(partyView.awardReason).toBe('Top of the shortlist');

    // A second review of an approved period is refused; a second award of the need too.
    await t.http()
      .post(`/api/v1/contracts/${contract.id}/reviews`)
      .set(bearer(w.reviewerA2))
      .send({ period: 1, measurements: contract.outcomes.map((o: { id: string }) => ({ outcomeId: o.id, value: 1, evidence: 'x' })) })
      .expect(409);
    await award(needId, {}).expect(409);

    // The commitment shows the contract and the outcome's approved attainment.
    const progress = (await t.http().get('/api/v1/roadmap/progress').expect(200)).body;
    const commitment = progress.commitments.find((c: { id: string }) => c.id === commitmentId);
    expect(commitment.activity).toMatchObject({ contractsAwarded: 1, valueAwarded: 8_000_000 });
    const indicator = commitment.indicators.find((i: { id: string }) => i.id === indicatorId);
    expect(indicator.outcomes).toEqual([expect.objectContaining({ contractId: contract.id, latestApprovedPeriod: 1, attainment: 0.7 })]);
    expect(indicator.progress).toBe(0.7);

    // The public register has the tender, the award and the payment, and validates against OCDS 1.1.
    const validate = compileReleasePackageValidator();
    const register = (await t.http().get('/api/v1/transparency/ocds/releases?limit=1000').expect(200)).body;
    expect(validate(register)).toBe(true);
    const releases = register.releases.filter((r: { ocid: string }) => r.ocid === contract.ocid);
    expect(releases.map((r: { tag: string[] }) => r.tag).flat()).toEqual(expect.arrayContaining(['tender', 'award', 'contract', 'implementation']));
    const payment = releases.flatMap((r: any) => r.contracts ?? []).flatMap((c: any) => c.implementation?.transactions ?? []);
    expect(payment).toEqual([expect.objectContaining({ value: { amount: 5200, currency: 'GBP' } })]);
  });

  it('creates exactly one contract from ten concurrent awards', async () => {
    const needId = await scoredNeed();
    const results = await Promise.all(Array.from({ length: 10 }, () => award(needId, { reason: 'Awarded below the top of the ranking because of delivery record' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM contracts WHERE need_id = $1`, [needId]);
    expect(row.n).toBe(1);
  });

  it('lists contracts page by page, filtered, and gives the total on a page past the end', async () => {
    const list = (query: string) => t.http().get(`/api/v1/contracts${query}`).expect(200);
    const all = (await list('?pageSize=100')).body;
    expect(all.total).toBeGreaterThanOrEqual(2);
    expect(all.total).toBe(all.items.length);
    const second = (await list('?page=2&pageSize=1')).body;
    expect(second).toMatchObject({ page: 2, pageSize: 1, total: all.total });
    expect(second.items.map((c: { id: string }) => c.id)).toEqual([all.items[1].id]);
    expect((await list(`?page=${all.total + 1}&pageSize=1`)).body).toMatchObject({ items: [], total: all.total });

    const oneNeed = all.items[0].needId;
    expect((await list(`?needId=${oneNeed}&page=2`)).body).toMatchObject({ items: [], total: 1 });
  });

  it('requires a 20-character reason to award a supplier that is not the top shortlisted one', async () => {
    const needId = await scoredNeed();
    const short = await award(needId, { reason: 'Cheaper' }).expect(400);
    expect(short.body.errors[0].field).toBe('reason');
    await award(needId, { reason: 'Cheaper, and the only one with local staff' }).expect(201);
  });

  it.each([
    [{ outcomes: [{ ...TERMS.outcomes[0], weight: 0.6 }, TERMS.outcomes[1], TERMS.outcomes[2]] }, 'outcomes'],
    [{ outcomePaymentShare: 1.5 }, 'outcomePaymentShare'],
    [{ reviewPeriods: 0 }, 'reviewPeriods'],
    [{ endDate: '2027-01-01' }, 'endDate'],
    [{ startDate: '2027-02-30' }, 'startDate'],
    [{ value: 10.5 }, 'value'],
    [{ outcomes: [{ ...TERMS.outcomes[0], weight: 1, target: -5 }] }, 'outcomes[0].target'],
    [{ outcomes: [{ ...TERMS.outcomes[0], weight: 1, indicatorId: '00000000-0000-4000-8000-000000000000' }] }, 'outcomes[0].indicatorId'],
    [{ supplierId: '00000000-0000-4000-8000-000000000000' }, 'supplierId'],
    [{ outcomes: [] }, 'outcomes'],
    [{ status: 'completed' }, 'status'],
  ])('refuses award terms %j naming %s and awards nothing', async (body, field) => {
    const needId = await scoredNeed();
    const res = await award(needId, { reason: 'A reason long enough to pass the rule', ...body }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await t.http().get(`/api/v1/needs/${needId}`)).body.status).toBe('open');
  });

  it('keeps other organisations and roles out', async () => {
    const needId = await scoredNeed();
    await t.http().post(`/api/v1/needs/${needId}/award`).set(bearer(w.buyerB)).send({ supplierId: w.supplierA.organisationId, reason: 'x', ...TERMS }).expect(404);
    await t.http().post(`/api/v1/needs/${needId}/award`).set(bearer(w.reviewerA)).send({ supplierId: w.supplierA.organisationId, reason: 'x', ...TERMS }).expect(403);
    const contract = (await award(needId, { reason: 'Cheaper, and the only one with local staff' }).expect(201)).body;
    const review = { period: 1, measurements: contract.outcomes.map((o: { id: string }) => ({ outcomeId: o.id, value: 50, evidence: 'report' })) };
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).set(bearer(w.buyerA)).send(review).expect(403);
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).send(review).expect(401);
    const outside = await t.http().post('/api/v1/users').set(bearer(w.admin)).send({
      email: 'reviewer-b@e2e.test', password: 'a-long-test-password', role: 'reviewer', organisationId: w.buyerB.organisationId,
    });
    const reviewerB = (await t.http().post('/api/v1/auth/login').send({ email: outside.body.email, password: 'a-long-test-password' })).body.accessToken;
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).set({ authorization: `Bearer ${reviewerB}` }).send(review).expect(404);
    const submitted = await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).set(bearer(w.reviewerA)).send(review).expect(201);
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews/${submitted.body.id}/approve`).set({ authorization: `Bearer ${reviewerB}` }).send({}).expect(404);
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews/${submitted.body.id}/reject`).set(bearer(w.reviewerA2)).send({}).expect(400);
    const rejected = await t.http().post(`/api/v1/contracts/${contract.id}/reviews/${submitted.body.id}/reject`).set(bearer(w.reviewerA2)).send({ reason: 'Evidence missing' }).expect(200);
    expect(rejected.body.status).toBe('rejected');
    // A rejected period may be submitted again.
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).set(bearer(w.reviewerA)).send(review).expect(201);
    await t.http().post(`/api/v1/contracts/${contract.id}/reviews`).set(bearer(w.reviewerA)).send({ ...review, period: 6 }).expect(400);
  });

  describe('audit chain', () => {
    const verify = () => t.http().get('/api/v1/audit/verify').set(bearer(w.admin)).expect(200);
    const middleEvent = async () => (await t.dataSource.query(`SELECT id, sequence FROM audit_events ORDER BY sequence OFFSET 5 LIMIT 1`))[0];

    it('is valid after all the writes above, and records awards and reviews', async () => {
      const res = await verify();
      expect(res.body).toMatchObject({ valid: true });
      const actions = (await t.dataSource.query(`SELECT DISTINCT action FROM audit_events`)).map((r: { action: string }) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['contract.award', 'review.submit', 'review.approve', 'review.reject', 'need.award']));
    });

    it('reports a changed, a deleted and an inserted row', async () => {
      const target = await middleEvent();
      const original = (await t.dataSource.query(`SELECT after FROM audit_events WHERE id = $1`, [target.id]))[0].after;
      await t.dataSource.query(`UPDATE audit_events SET after = '{"forged": true}' WHERE id = $1`, [target.id]);
      expect((await verify()).body).toMatchObject({ valid: false, firstBrokenEventId: target.id });
      await t.dataSource.query(`UPDATE audit_events SET after = $2 WHERE id = $1`, [target.id, JSON.stringify(original)]);
      expect((await verify()).body.valid).toBe(true);

      const row = (await t.dataSource.query(`SELECT * FROM audit_events WHERE id = $1`, [target.id]))[0];
      const next = (await t.dataSource.query(`SELECT id FROM audit_events WHERE sequence = $1`, [Number(row.sequence) + 1]))[0];
      await t.dataSource.query(`DELETE FROM audit_events WHERE id = $1`, [target.id]);
      expect((await verify()).body).toMatchObject({ valid: false, firstBrokenEventId: next.id });
      await t.dataSource.query(
        `INSERT INTO audit_events (id, sequence, actor_id, action, object_type, object_id, before, after, occurred_at, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [row.id, row.sequence, row.actor_id, row.action, row.object_type, row.object_id, row.before, row.after, row.occurred_at, row.prev_hash, row.hash],
      );
      expect((await verify()).body.valid).toBe(true);

      const max = (await t.dataSource.query(`SELECT max(sequence) AS s FROM audit_events`))[0].s;
      // Make room for a forged event, shifting later events up from the top (the sequence is unique).
      for (let s = Number(max); s >= Number(row.sequence); s--) {
        await t.dataSource.query(`UPDATE audit_events SET sequence = sequence + 1 WHERE sequence = $1`, [s]);
      }
      await t.dataSource.query(
        `INSERT INTO audit_events (id, sequence, actor_id, action, object_type, object_id, before, after, occurred_at, prev_hash, hash)
         VALUES (gen_random_uuid(), $1, NULL, 'contract.award', 'contract', 'forged', NULL, '{}', now(), $2, $3)`,
        [row.sequence, row.prev_hash, 'f'.repeat(64)],
      );
      const inserted = (await t.dataSource.query(`SELECT id FROM audit_events WHERE sequence = $1`, [row.sequence]))[0];
      expect((await verify()).body).toMatchObject({ valid: false, firstBrokenEventId: inserted.id });
    });
  });
});
