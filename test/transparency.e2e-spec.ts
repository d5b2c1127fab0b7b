import type { ValidateFunction } from 'ajv';
import { Actor, createWorld, needBody, profileBody, World } from './support/actors';
import { compileReleasePackageValidator } from './support/ocds-validator';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const RELEASES = '/api/v1/transparency/ocds/releases';

type Json = Record<string, any>;

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

const AWARD_REASON = 'AWARD-REASON-kept-between-the-parties';
const APPROVED_EVIDENCE = 'APPROVED-EVIDENCE-analytics-export';
const PENDING_EVIDENCE = 'PENDING-EVIDENCE-not-yet-checked';
const REJECTED_EVIDENCE = 'REJECTED-EVIDENCE-wrong-quarter';

describe('Transparency register (OCDS 1.1)', () => {
  let t: TestApp;
  let w: World;
  let validatePackage: ValidateFunction;
  const ids: Record<string, string> = {};
  let contract: Json;
  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });

  async function need(title: string, actions: ('publish' | 'close' | 'cancel')[], overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(needBody({ title, ...overrides })).expect(201);
    for (const action of actions) await t.http().post(`/api/v1/needs/${res.body.id}/${action}`).set(bearer(w.buyerA)).expect(200);
    return res.body.id;
  }

  async function review(period: number, values: number[], evidence: string): Promise<string> {
    const res = await t
      .http()
      .post(`/api/v1/contracts/${contract.id}/reviews`)
      .set(bearer(w.reviewerA))
      .send({ period, measurements: contract.outcomes.map((o: { id: string }, i: number) => ({ outcomeId: o.id, value: values[i], evidence })) });
    if (res.status !== 201) throw new Error(`review: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  const decide = (reviewId: string, decision: 'approve' | 'reject') =>
    t.http().post(`/api/v1/contracts/${contract.id}/reviews/${reviewId}/${decision}`).set(bearer(w.reviewerA2)).send({ reason: 'DECISION-REASON' }).expect(200);

  /** Every release, following links.next from a first page of `limit`. */
  async function allPages(limit: number): Promise<{ pages: Json[]; releases: Json[] }> {
    const pages: Json[] = [];
    let next: string | undefined = `${RELEASES}?limit=${limit}`;
    while (next) {
      // links.next is absolute (this server's address); the agent needs the path and query.
      const url: URL = new URL(next, 'http://placeholder');
      const page: Json = (await t.http().get(`${url.pathname}${url.search}`).expect(200)).body;
      pages.push(page);
      next = page.links?.next;
      if (pages.length > 100) throw new Error('links.next never ends');
    }
    return { pages, releases: pages.flatMap((page) => page.releases) };
  }

  function expectValid(body: Json): void {
    if (!validatePackage(body)) throw new Error(`OCDS schema errors: ${JSON.stringify(validatePackage.errors, null, 2)}`);
  }

  beforeAll(async () => {
    validatePackage = compileReleasePackageValidator();
    t = await createTestApp();
    w = await createWorld(t);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA)).send(profileBody()).expect(200);

    ids.awarded = await need('Accessible online booking service for school admissions', ['publish']);
    ids.open = await need('Open: digital identity verification', ['publish'], { cpvCodes: ['72212000-4'], budgetMin: 12_345, budgetMax: 99_999 });
    ids.closed = await need('Closed: records digitisation', ['publish', 'close']);
    ids.cancelled = await need('Cancelled after publishing: data platform', ['publish', 'cancel']);
    ids.draft = await need('DRAFT-NEED-never-published', []);
    ids.cancelledDraft = await need('CANCELLED-DRAFT-never-published', ['cancel']);

    await waitFor(
      async () => {
        const res = await t.http().get(`/api/v1/needs/${ids.awarded}/matches`).set(bearer(w.buyerA));
        return res.body.status === 'complete' && res.body.items.some((m: { supplierId: string }) => m.supplierId === w.supplierA.organisationId)
          ? true
          : undefined;
      },
      { timeoutMs: 20_000, what: 'matches of the need to award' },
    );
    const awarded = await t
      .http()
      .post(`/api/v1/needs/${ids.awarded}/award`)
      .set(bearer(w.buyerA))
      .send({ supplierId: w.supplierA.organisationId, reason: AWARD_REASON, ...TERMS })
      .expect(201);
    contract = awarded.body;

    // Period 1: attainments 0.7, 0.4, 0.8 → weighted 0.65 → 520,000 pence due, approved.
    await decide(await review(1, [70, 34, 60], APPROVED_EVIDENCE), 'approve');
    // Period 2: rejected; period 4: still awaiting approval. Neither may be published.
    await decide(await review(2, [100, 10, 70], REJECTED_EVIDENCE), 'reject');
    await review(4, [100, 10, 70], PENDING_EVIDENCE);
    // Period 3: approved with nothing attained: a milestone not met, and no payment.
    await decide(await review(3, [0, 50, 20], APPROVED_EVIDENCE), 'approve');
  });

  afterAll(async () => {
    await t.close();
  });

  it('publishes a package that validates against the OCDS 1.1 release package schema', async () => {
    const res = await t.http().get(RELEASES).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectValid(res.body);
    expect(res.body).toMatchObject({ version: '1.1', publisher: { name: expect.any(String) } });
    expect(res.body.uri).toMatch(/^http:\/\/[^/]+\/api\/v1\/transparency\/ocds\/releases\?limit=100$/);
    expect(res.body.links).toBeUndefined();
    // Generated on demand, the package is dated by its newest release.
    expect(res.body.publishedDate).toBe(res.body.releases.at(-1).date);
  });

  it('enforces the formats it validates against', async () => {
    const body = (await t.http().get(RELEASES).expect(200)).body;
    expect(validatePackage({ ...body, publishedDate: '2026-02-30 soon' })).toBe(false);
    expect(validatePackage({ ...body, uri: 'not a uri' })).toBe(false);
    expect(validatePackage({ ...body, releases: [{ ...body.releases[0], date: '31/12/2026' }] })).toBe(false);
  });

  it('holds a tender release per published need, an award-and-contract release, and an implementation release per approved review', async () => {
    const { releases } = (await t.http().get(RELEASES).expect(200)).body;
    const ocidOf = (needId: string) => `ocds-pmatch-${needId}`;
    const summary = releases.map((r: Json) => `${r.ocid} ${r.tag.join('+')}`).sort();
    expect(summary).toEqual(
      [
        `${ocidOf(ids.awarded)} tender`,
        `${ocidOf(ids.awarded)} award+contract`,
        `${ocidOf(ids.awarded)} implementation`,
        `${ocidOf(ids.awarded)} implementation`,
        `${ocidOf(ids.open)} tender`,
        `${ocidOf(ids.closed)} tender`,
        `${ocidOf(ids.cancelled)} tenderCancellation`,
      ].sort(),
    );
    // Release ids are unique, and the order is by date, then id.
    expect(new Set(releases.map((r: Json) => r.id)).size).toBe(releases.length);
    const keys = releases.map((r: Json) => [r.date, r.id]);
    expect(keys).toEqual([...keys].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1)));
    // The contract row carries the process's ocid.
    expect(contract.ocid).toBe(ocidOf(ids.awarded));
  });

  it('describes a tender with its buyer, CPV items, values in pounds and submission deadline', async () => {
    const { releases } = (await t.http().get(RELEASES).expect(200)).body;
    const need = (await t.http().get(`/api/v1/needs/${ids.open}`).expect(200)).body;
    const release = releases.find((r: Json) => r.ocid === `ocds-pmatch-${ids.open}`);
    expect(release).toMatchObject({
      id: `ocds-pmatch-${ids.open}-tender-${need.version}`,
      tag: ['tender'],
      initiationType: 'tender',
      parties: [{ id: w.buyerA.organisationId, name: 'Department A', roles: ['buyer'] }],
      buyer: { id: w.buyerA.organisationId, name: 'Department A' },
    });
    expect(release.tender).toEqual({
      id: ids.open,
      title: 'Open: digital identity verification',
      description: need.description,
      status: 'active',
      items: [
        {
          id: '1',
          description: 'Programming services of application software',
          classification: { scheme: 'CPV', id: '72212000', description: 'Programming services of application software' },
        },
      ],
      value: { amount: 999.99, currency: 'GBP' },
      minValue: { amount: 123.45, currency: 'GBP' },
      procurementMethod: 'open',
      mainProcurementCategory: 'services',
      eligibilityCriteria: 'Required certifications: cyber-essentials. Regions to serve: london. Essential requirements: GOV.UK Design System experience.',
      tenderPeriod: { startDate: need.publishedAt, endDate: need.submissionDeadline },
    });
    expect(Date.parse(release.date)).toBe(Date.parse(need.updatedAt));

    const statusOf = (needId: string) => releases.find((r: Json) => r.ocid === `ocds-pmatch-${needId}` && r.tender).tender.status;
    expect(statusOf(ids.closed)).toBe('active');
    expect(statusOf(ids.cancelled)).toBe('cancelled');
    expect(statusOf(ids.awarded)).toBe('complete');
  });

  it('publishes the award and contract with the supplier as a party and the value in pounds', async () => {
    const { releases } = (await t.http().get(RELEASES).expect(200)).body;
    const release = releases.find((r: Json) => r.tag.includes('award'));
    const supplier = { id: w.supplierA.organisationId, name: 'supplier-a Ltd' };
    expect(release).toMatchObject({
      ocid: contract.ocid,
      id: `${contract.ocid}-award`,
      tag: ['award', 'contract'],
      date: contract.awardedAt,
      parties: [
        { id: w.buyerA.organisationId, name: 'Department A', roles: ['buyer'] },
        { ...supplier, roles: ['supplier'] },
      ],
    });
    expect(release.awards).toEqual([
      {
        id: `${contract.id}-award`,
        title: 'Accessible online booking service for school admissions',
        status: 'active',
        date: contract.awardedAt,
        value: { amount: 80_000, currency: 'GBP' },
        suppliers: [supplier],
        contractPeriod: { startDate: '2027-04-01T00:00:00Z', endDate: '2029-03-31T23:59:59Z' },
      },
    ]);
    const [published] = release.contracts;
    expect(published).toMatchObject({
      id: contract.id,
      awardID: `${contract.id}-award`,
      status: 'active',
      value: { amount: 80_000, currency: 'GBP' },
      period: { startDate: '2027-04-01T00:00:00Z', endDate: '2029-03-31T23:59:59Z' },
    });
    expect(published.implementation.milestones.map((m: Json) => [m.id, m.status])).toEqual([1, 2, 3, 4, 5].map((p) => [`review-period-${p}`, 'scheduled']));
  });

  it('publishes approved outcome reviews as milestones, and their payments as transactions', async () => {
    const { releases } = (await t.http().get(RELEASES).expect(200)).body;
    const implementation = releases.filter((r: Json) => r.tag.includes('implementation'));
    expect(implementation.map((r: Json) => r.id).sort()).toEqual([`${contract.ocid}-implementation-1`, `${contract.ocid}-implementation-3`]);
    const [periodOne, periodThree] = [1, 3].map((p) => implementation.find((r: Json) => r.id.endsWith(`-${p}`)));
    const buyer = { id: w.buyerA.organisationId, name: 'Department A' };
    const supplier = { id: w.supplierA.organisationId, name: 'supplier-a Ltd' };

    const one = periodOne.contracts[0];
    expect(one).toMatchObject({ id: contract.id, awardID: `${contract.id}-award` });
    expect(one.implementation.transactions).toEqual([
      // 520,000 pence due.
      { id: expect.any(String), date: periodOne.date, value: { amount: 5_200, currency: 'GBP' }, payer: buyer, payee: supplier },
    ]);
    expect(one.implementation.milestones).toEqual([
      {
        id: 'review-period-1',
        title: 'Outcome review, period 1 of 5',
        type: 'reporting',
        status: 'partiallyMet',
        description: 'Approved outcome review: weighted attainment 0.65, rated requires improvement.',
        dateModified: periodOne.date,
      },
    ]);
    expect(periodOne.parties.map((p: Json) => p.roles)).toEqual([
      ['buyer', 'payer'],
      ['supplier', 'payee'],
    ]);

    // Nothing attained: no payment, so no transaction.
    const three = periodThree.contracts[0];
    expect(three.implementation.transactions).toBeUndefined();
    expect(three.implementation.milestones).toEqual([expect.objectContaining({ id: 'review-period-3', status: 'notMet' })]);

    // The same figures the contract shows the public.
    const publicContract = (await t.http().get(`/api/v1/contracts/${contract.id}`).expect(200)).body;
    expect(publicContract.paidToDate).toBe(520_000);
  });

  it('never publishes drafts, user ids, emails, award reasons, evidence or unapproved reviews', async () => {
    const text = JSON.stringify((await t.http().get(RELEASES).expect(200)).body);
    expect(text).not.toContain(ids.draft);
    expect(text).not.toContain(ids.cancelledDraft);
    expect(text).not.toContain('DRAFT-NEED');
    expect(text).not.toContain('CANCELLED-DRAFT');
    for (const actor of [w.admin, w.buyerA, w.buyerB, w.reviewerA, w.reviewerA2, w.supplierA, w.supplierB]) {
      expect(text).not.toContain(actor.userId);
      expect(text).not.toContain(actor.email);
    }
    expect(text).not.toMatch(/@e2e\.test/);
    for (const secret of [AWARD_REASON, APPROVED_EVIDENCE, PENDING_EVIDENCE, REJECTED_EVIDENCE, 'DECISION-REASON']) {
      expect(text).not.toContain(secret);
    }
    const unapproved = await t.dataSource.query(`SELECT id FROM outcome_reviews WHERE status <> 'approved'`);
    expect(unapproved).toHaveLength(2);
    for (const { id } of unapproved) expect(text).not.toContain(id);
    expect(text).not.toContain('implementation-2');
    expect(text).not.toContain('implementation-4');
  });

  it('pages by date with links.next, returning every release exactly once', async () => {
    const whole = (await t.http().get(`${RELEASES}?limit=1000`).expect(200)).body.releases.map((r: Json) => r.id);
    for (const limit of [1, 2, 3]) {
      const { pages, releases } = await allPages(limit);
      expect(releases.map((r) => r.id)).toEqual(whole);
      expect(pages).toHaveLength(Math.ceil(whole.length / limit));
      for (const page of pages) {
        expectValid(page);
        expect(page.releases.length).toBeLessThanOrEqual(limit);
      }
      expect(pages.at(-1)!.links).toBeUndefined();
      for (const page of pages.slice(0, -1)) expect(page.links.next).toMatch(/^http:\/\/[^/]+\/api\/v1\/transparency\/ocds\/releases\?limit=\d+&cursor=[\w-]+$/);
    }
  });

  it('keeps releases with the same date, or dates microseconds apart, in order and once each', async () => {
    // A bulk import writes many rows in one transaction, at one now(); PostgreSQL keeps microseconds.
    await t.dataSource.query(`UPDATE procurement_needs SET updated_at = '2020-01-01T00:00:00.000100Z' WHERE id = $1`, [ids.open]);
    await t.dataSource.query(`UPDATE procurement_needs SET updated_at = '2020-01-01T00:00:00.000200Z' WHERE id = ANY($1::uuid[])`, [[ids.closed, ids.cancelled]]);
    const whole = (await t.http().get(`${RELEASES}?limit=1000`).expect(200)).body.releases.map((r: Json) => r.ocid);
    expect(whole.slice(0, 3)).toEqual([`ocds-pmatch-${ids.open}`, ...[ids.closed, ids.cancelled].map((id) => `ocds-pmatch-${id}`).sort()]);
    const { releases } = await allPages(1);
    expect(releases.map((r) => r.ocid)).toEqual(whole);
  });

  it('answers the same package to the same request', async () => {
    const [first, second] = await Promise.all([t.http().get(`${RELEASES}?limit=3`), t.http().get(`${RELEASES}?limit=3`)]);
    expect(first.body).toEqual(second.body);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url')}`, 'cursor'],
    ['page=2', 'page'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const res = await t.http().get(`${RELEASES}?${query}`).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('is described in the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.paths['/api/v1/transparency/ocds/releases'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit']);
  });
});
