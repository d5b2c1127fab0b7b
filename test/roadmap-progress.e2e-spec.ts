import { Actor, createWorld, needBody, profileBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const PROGRESS = '/api/v1/roadmap/progress';

const ZERO_ACTIVITY = { needs: { open: 0, closed: 0, awarded: 0, cancelled: 0, total: 0 }, contractsAwarded: 0, valueAwarded: 0 };
const NO_OUTCOMES = { indicators: 0, indicatorsWithData: 0, linkedOutcomes: 0, outcomesWithApprovedReview: 0, meanIndicatorProgress: null };

// Three commitments: C1 and C2 under priority 5, C3 under priority 6. C1 has two indicators fed by two
// contracts; C3 has one fed by a contract whose only review is still awaiting approval.
//
// Contract A (£80,000 = 8,000,000 pence) feeds I1 with attainment 0.7 (period 2, its highest approved
// period: period 1 was approved later at 0.5, period 3 is only submitted at 1.0).
// Contract B (2,000,000 pence) feeds I1 with 0.2 and I2 with 0.25 (period 1; period 2 was rejected).
// I1 progress, weighted by contract value: (8m × 0.7 + 2m × 0.2) / 10m = 0.6 (a simple mean would say 0.45).
describe('Roadmap progress', () => {
  let t: TestApp;
  let w: World;
  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
  const ids: Record<string, string> = {};
  const contracts: Record<string, { id: string; ocid: string; outcomes: { id: string }[] }> = {};

  async function commitment(priority: number, aims: string[], title: string, dueDate: string): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/roadmap/commitments')
      .set(bearer(w.admin))
      .send({ priority, aims, title, description: `${title}.`, leadDepartment: 'Government Digital Service', dueDate })
      .expect(201);
    return res.body.id;
  }

  async function indicator(commitmentId: string, body: Record<string, unknown>): Promise<string> {
    const res = await t.http().post(`/api/v1/roadmap/commitments/${commitmentId}/indicators`).set(bearer(w.admin)).send(body).expect(201);
    return res.body.id;
  }

  async function need(commitmentIds: string[], actions: ('publish' | 'close' | 'cancel')[], title = 'Accessible online booking service'): Promise<string> {
    const res = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(needBody({ title, commitmentIds })).expect(201);
    for (const action of actions) await t.http().post(`/api/v1/needs/${res.body.id}/${action}`).set(bearer(w.buyerA)).expect(200);
    return res.body.id;
  }

  async function awardWhenScored(needId: string, terms: Record<string, unknown>): Promise<{ id: string; ocid: string; outcomes: { id: string }[] }> {
    await waitFor(
      async () => {
        const res = await t.http().get(`/api/v1/needs/${needId}/matches`).set(bearer(w.buyerA));
        return res.body.status === 'complete' && res.body.items.some((m: { supplierId: string }) => m.supplierId === w.supplierA.organisationId)
          ? true
          : undefined;
      },
      { timeoutMs: 20_000, what: `matches of ${needId}` },
    );
    const res = await t
      .http()
      .post(`/api/v1/needs/${needId}/award`)
      .set(bearer(w.buyerA))
      .send({
        supplierId: w.supplierA.organisationId,
        reason: 'Strongest evidence of delivering these outcomes',
        startDate: '2027-04-01',
        endDate: '2029-03-31',
        outcomePaymentShare: 0.5,
        reviewPeriods: 4,
        ...terms,
      });
    if (res.status !== 201) throw new Error(`award: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function review(contractId: string, period: number, measurements: { outcomeId: string; value: number }[]): Promise<string> {
    const res = await t
      .http()
      .post(`/api/v1/contracts/${contractId}/reviews`)
      .set(bearer(w.reviewerA))
      .send({ period, measurements: measurements.map((m) => ({ ...m, evidence: `Period ${period} report` })) });
    if (res.status !== 201) throw new Error(`review: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  const decide = (contractId: string, reviewId: string, decision: 'approve' | 'reject') =>
    t
      .http()
      .post(`/api/v1/contracts/${contractId}/reviews/${reviewId}/${decision}`)
      .set(bearer(w.reviewerA2))
      .send({ reason: 'Checked against the evidence' })
      .expect(200);

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA)).send(profileBody()).expect(200);

    ids.c1 = await commitment(5, ['faster-growth', 'higher-productivity'], 'Fund digital services for outcomes', '2027-03-31');
    ids.c2 = await commitment(5, ['faster-growth'], 'Open procurement to small suppliers', '2027-06-30');
    ids.c3 = await commitment(6, ['smarter-organisations'], 'Publish every contract and its results', '2026-12-31');
    ids.i1 = await indicator(ids.c1, { name: 'Services meeting their outcome targets', unit: 'percent', baseline: 20, target: 60, direction: 'increase' });
    ids.i2 = await indicator(ids.c1, { name: 'Days to a decision', unit: 'days', baseline: 50, target: 10, direction: 'decrease' });
    ids.i3 = await indicator(ids.c3, { name: 'Contracts with published results', unit: 'percent', baseline: 0, target: 100, direction: 'increase' });

    // Awarded needs first, so that matching runs while the rest is set up.
    ids.needA = await need([ids.c1, ids.c2], ['publish']);
    ids.needB = await need([ids.c1], ['publish']);
    ids.needC = await need([ids.c3], ['publish']);
    ids.open = await need([ids.c1, ids.c2], ['publish']);
    ids.closed = await need([ids.c1], ['publish', 'close']);
    ids.cancelledAfterPublishing = await need([ids.c2], ['publish', 'cancel']);
    ids.draft = await need([ids.c1, ids.c3], []);
    ids.cancelledDraft = await need([ids.c1], ['cancel']);
    ids.unlinked = await need([], ['publish']);

    contracts.a = await awardWhenScored(ids.needA, {
      value: 8_000_000,
      outcomes: [
        { name: 'Outcome targets met', unit: '%', baseline: 0, target: 100, direction: 'increase', weight: 0.5, indicatorId: ids.i1 },
        { name: 'Complaints per month', unit: 'complaints', baseline: 50, target: 10, direction: 'decrease', weight: 0.5 },
      ],
    });
    contracts.b = await awardWhenScored(ids.needB, {
      value: 2_000_000,
      outcomes: [
        { name: 'Outcome targets met', unit: 'services', baseline: 0, target: 10, direction: 'increase', weight: 0.5, indicatorId: ids.i1 },
        { name: 'Days to a decision', unit: 'days', baseline: 50, target: 10, direction: 'decrease', weight: 0.5, indicatorId: ids.i2 },
      ],
    });
    contracts.c = await awardWhenScored(ids.needC, {
      value: 1_000_000,
      outcomes: [{ name: 'Results published', unit: '%', baseline: 0, target: 100, direction: 'increase', weight: 1, indicatorId: ids.i3 }],
    });

    const [a1, a2] = contracts.a.outcomes.map((o) => o.id);
    const a2Review = await review(contracts.a.id, 2, [{ outcomeId: a1, value: 70 }, { outcomeId: a2, value: 30 }]);
    await decide(contracts.a.id, a2Review, 'approve');
    // Approved after period 2, but a lower period: the latest approved attainment stays period 2's.
    const a1Review = await review(contracts.a.id, 1, [{ outcomeId: a1, value: 50 }, { outcomeId: a2, value: 40 }]);
    await decide(contracts.a.id, a1Review, 'approve');
    // Submitted, never approved: its 1.0 must not count.
    await review(contracts.a.id, 3, [{ outcomeId: a1, value: 100 }, { outcomeId: a2, value: 10 }]);

    const [b1, b2] = contracts.b.outcomes.map((o) => o.id);
    const b1Review = await review(contracts.b.id, 1, [{ outcomeId: b1, value: 2 }, { outcomeId: b2, value: 40 }]);
    await decide(contracts.b.id, b1Review, 'approve');
    const b2Review = await review(contracts.b.id, 2, [{ outcomeId: b1, value: 9 }, { outcomeId: b2, value: 10 }]);
    await decide(contracts.b.id, b2Review, 'reject');

    await review(contracts.c.id, 1, [{ outcomeId: contracts.c.outcomes[0].id, value: 70 }]);
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers anyone, without a token', async () => {
    const res = await t.http().get(PROGRESS).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['aims', 'commitments', 'priorities']);
  });

  it('counts each commitment\'s published needs by status, its contracts and the value awarded', async () => {
    const { commitments } = (await t.http().get(PROGRESS).expect(200)).body;
    // As the roadmap reads: by priority, then the nearest due date.
    expect(commitments.map((c: { id: string }) => c.id)).toEqual([ids.c1, ids.c2, ids.c3]);
    const [c1, c2, c3] = commitments;
    // Drafts, and a need cancelled while still a draft, are not public and are not counted.
    expect(c1.activity).toEqual({ needs: { open: 1, closed: 1, awarded: 2, cancelled: 0, total: 4 }, contractsAwarded: 2, valueAwarded: 10_000_000 });
    expect(c2.activity).toEqual({ needs: { open: 1, closed: 0, awarded: 1, cancelled: 1, total: 3 }, contractsAwarded: 1, valueAwarded: 8_000_000 });
    expect(c3.activity).toEqual({ needs: { open: 0, closed: 0, awarded: 1, cancelled: 0, total: 1 }, contractsAwarded: 1, valueAwarded: 1_000_000 });
    expect(c1).toMatchObject({ priority: 5, aims: ['faster-growth', 'higher-productivity'], title: 'Fund digital services for outcomes', status: 'planned', dueDate: '2027-03-31' });
  });

  it('reports each indicator from the latest approved review of each linked outcome, weighted by contract value', async () => {
    const { commitments } = (await t.http().get(PROGRESS).expect(200)).body;
    const [c1, c2, c3] = commitments;
    const [i1, i2] = c1.indicators;

    expect(i1).toMatchObject({ id: ids.i1, baseline: 20, target: 60, direction: 'increase', outcomesWithApprovedReview: 2 });
    expect(i1.outcomes).toEqual(
      expect.arrayContaining([
        {
          outcomeId: contracts.a.outcomes[0].id,
          contractId: contracts.a.id,
          ocid: contracts.a.ocid,
          name: 'Outcome targets met',
          unit: '%',
          baseline: 0,
          target: 100,
          direction: 'increase',
          contractValue: 8_000_000,
          latestApprovedPeriod: 2,
          attainment: 0.7,
        },
        expect.objectContaining({ outcomeId: contracts.b.outcomes[0].id, contractValue: 2_000_000, latestApprovedPeriod: 1, attainment: 0.2 }),
      ]),
    );
    expect(i1.outcomes).toHaveLength(2);
    // (8,000,000 × 0.7 + 2,000,000 × 0.2) / 10,000,000 = 0.6; 20 + 0.6 × (60 − 20) = 44.
    expect(i1.progress).toBe(0.6);
    expect(i1.estimatedValue).toBe(44);
    expect(i1.targetMet).toBe(false);

    // A decrease: (50 − 40) / (50 − 10) = 0.25, so 50 + 0.25 × (10 − 50) = 40 days.
    expect(i2).toMatchObject({ id: ids.i2, progress: 0.25, estimatedValue: 40, outcomesWithApprovedReview: 1, targetMet: false });
    expect(i2.outcomes).toEqual([expect.objectContaining({ outcomeId: contracts.b.outcomes[1].id, attainment: 0.25, latestApprovedPeriod: 1 })]);

    // A submitted review is not a result: the outcome is listed, without attainment.
    expect(c3.indicators).toEqual([
      expect.objectContaining({
        id: ids.i3,
        progress: null,
        estimatedValue: null,
        targetMet: false,
        outcomesWithApprovedReview: 0,
        outcomes: [expect.objectContaining({ outcomeId: contracts.c.outcomes[0].id, latestApprovedPeriod: null, attainment: null })],
      }),
    ]);

    expect(c1.outcome).toEqual({ indicators: 2, indicatorsWithData: 2, linkedOutcomes: 3, outcomesWithApprovedReview: 3, meanIndicatorProgress: 0.425 });
    expect(c2.indicators).toEqual([]);
    expect(c2.outcome).toEqual(NO_OUTCOMES);
    expect(c3.outcome).toEqual({ indicators: 1, indicatorsWithData: 0, linkedOutcomes: 1, outcomesWithApprovedReview: 0, meanIndicatorProgress: null });
  });

  it('rolls up per priority, listing all six and counting a need shared by two commitments once', async () => {
    const { priorities } = (await t.http().get(PROGRESS).expect(200)).body;
    expect(priorities.map((p: { number: number }) => p.number)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const empty of priorities.slice(0, 4)) {
      expect(empty).toMatchObject({ commitmentIds: [], activity: ZERO_ACTIVITY, outcome: NO_OUTCOMES });
    }
    const [p5, p6] = priorities.slice(4);
    expect(p5.code).toEqual(expect.any(String));
    expect(p5.commitmentIds.sort()).toEqual([ids.c1, ids.c2].sort());
    // needA and the open need are linked to both C1 and C2: 5 needs, not 7; 10,000,000 pence, not 18,000,000.
    expect(p5.activity).toEqual({ needs: { open: 1, closed: 1, awarded: 2, cancelled: 1, total: 5 }, contractsAwarded: 2, valueAwarded: 10_000_000 });
    expect(p5.outcome).toEqual({ indicators: 2, indicatorsWithData: 2, linkedOutcomes: 3, outcomesWithApprovedReview: 3, meanIndicatorProgress: 0.425 });
    expect(p6).toMatchObject({ commitmentIds: [ids.c3] });
    expect(p6.activity).toEqual({ needs: { open: 0, closed: 0, awarded: 1, cancelled: 0, total: 1 }, contractsAwarded: 1, valueAwarded: 1_000_000 });
    expect(p6.outcome).toEqual({ indicators: 1, indicatorsWithData: 0, linkedOutcomes: 1, outcomesWithApprovedReview: 0, meanIndicatorProgress: null });
  });

  it('rolls up per aim, listing all five and counting a commitment toward each of its aims', async () => {
    const { aims } = (await t.http().get(PROGRESS).expect(200)).body;
    expect(aims.map((a: { code: string }) => a.code)).toEqual(['easier-lives', 'faster-growth', 'firmer-foundations', 'smarter-organisations', 'higher-productivity']);
    const byCode = Object.fromEntries(aims.map((a: { code: string }) => [a.code, a]));
    for (const code of ['easier-lives', 'firmer-foundations']) {
      expect(byCode[code]).toMatchObject({ commitmentIds: [], activity: ZERO_ACTIVITY, outcome: NO_OUTCOMES });
    }
    expect(byCode['faster-growth'].commitmentIds.sort()).toEqual([ids.c1, ids.c2].sort());
    expect(byCode['faster-growth'].activity).toEqual({
      needs: { open: 1, closed: 1, awarded: 2, cancelled: 1, total: 5 },
      contractsAwarded: 2,
      valueAwarded: 10_000_000,
    });
    expect(byCode['higher-productivity']).toMatchObject({
      commitmentIds: [ids.c1],
      activity: { needs: { open: 1, closed: 1, awarded: 2, cancelled: 0, total: 4 }, contractsAwarded: 2, valueAwarded: 10_000_000 },
      outcome: { indicators: 2, indicatorsWithData: 2, linkedOutcomes: 3, outcomesWithApprovedReview: 3, meanIndicatorProgress: 0.425 },
    });
    expect(byCode['smarter-organisations']).toMatchObject({
      commitmentIds: [ids.c3],
      activity: { needs: { open: 0, closed: 0, awarded: 1, cancelled: 0, total: 1 }, contractsAwarded: 1, valueAwarded: 1_000_000 },
    });
  });

  it('moves with the next approval: a higher approved period replaces the attainment', async () => {
    const pending = await t.dataSource.query(`SELECT id FROM outcome_reviews WHERE contract_id = $1 AND period = 3`, [contracts.a.id]);
    await decide(contracts.a.id, pending[0].id, 'approve');
    const { commitments } = (await t.http().get(PROGRESS).expect(200)).body;
    const i1 = commitments[0].indicators[0];
    expect(i1.outcomes.find((o: { contractId: string }) => o.contractId === contracts.a.id)).toMatchObject({ latestApprovedPeriod: 3, attainment: 1 });
    // (8,000,000 × 1 + 2,000,000 × 0.2) / 10,000,000 = 0.84; 20 + 0.84 × 40 = 53.6.
    expect(i1.progress).toBe(0.84);
    expect(i1.estimatedValue).toBe(53.6);
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.paths['/api/v1/roadmap/progress'].get).toBeDefined();
  });
});
