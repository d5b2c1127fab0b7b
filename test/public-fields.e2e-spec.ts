import { Actor, createWorld, needBody, profileBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

// What anonymous readers get is checked against an allow-list of field paths, so that a new column
// cannot reach the public by accident (a hash, an email, an award reason, evidence, a user id).

function fieldPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => fieldPaths(item, `${prefix}[]`));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...fieldPaths(child, path)];
    });
  }
  return [];
}

const NEED = [
  'id', 'organisationId', 'externalId', 'title', 'description', 'cpvCodes', 'commitmentIds', 'budgetMin', 'budgetMax', 'regions',
  'requiredCertifications', 'essentialRequirements', 'submissionDeadline', 'status', 'version', 'publishedAt', 'createdAt', 'updatedAt',
];
const PAGE = (item: string[]) => ['items', 'page', 'pageSize', 'total', ...item.map((field) => `items[].${field}`)];
const PROFILE = ['supplierId', 'summary', 'capabilities', 'caseStudies', 'caseStudies[].title', 'caseStudies[].description', 'cpvCodes', 'certifications', 'regions', 'maxContractValue', 'version', 'updatedAt'];
const SUPPLIER = ['id', 'name', 'isSme', 'companiesHouseNumber', 'externalId', 'profile', ...PROFILE.map((field) => `profile.${field}`)];
const CONTRACT = [
  'id', 'needId', 'needTitle', 'buyerOrganisationId', 'supplierId', 'supplierName', 'ocid', 'value', 'currency', 'startDate', 'endDate',
  'outcomePaymentShare', 'reviewPeriods', 'status', 'awardedAt', 'paidToDate', 'remainingOutcomePot',
  'outcomes', ...['id', 'name', 'unit', 'baseline', 'target', 'direction', 'weight', 'indicatorId'].map((f) => `outcomes[].${f}`),
  'reviews', ...['id', 'period', 'status', 'attainments', 'attainments[].outcomeId', 'attainments[].attainment', 'weightedAttainment', 'rating', 'paymentDue', 'submittedAt', 'decidedAt'].map((f) => `reviews[].${f}`),
  'performance', ...['outcomeId', 'name', 'series', 'series[].period', 'series[].value', 'series[].attainment'].map((f) => `performance[].${f}`),
];

describe('Public responses', () => {
  let t: TestApp;
  let w: World;
  let needId: string;
  let contractId: string;
  const as = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
    await t.http().put('/api/v1/suppliers/me/profile').set(as(w.supplierA)).send(profileBody()).expect(200);
    needId = (await t.http().post('/api/v1/needs').set(as(w.buyerA)).send(needBody()).expect(201)).body.id;
    await t.http().post(`/api/v1/needs/${needId}/publish`).set(as(w.buyerA)).expect(200);
    await waitFor(async () => ((await t.dataSource.query(`SELECT 1 FROM matches WHERE need_id = $1`, [needId])).length ? true : undefined));
    const contract = (
      await t.http()
        .post(`/api/v1/needs/${needId}/award`)
        .set(as(w.buyerA))
        .send({
          supplierId: w.supplierA.organisationId,
          value: 1_000_000,
          startDate: '2027-01-01',
          endDate: '2028-01-01',
          outcomePaymentShare: 0.2,
          reviewPeriods: 2,
          reason: 'Confidential reasoning about the bids',
          outcomes: [{ name: 'Cases', unit: 'n', baseline: 0, target: 10, direction: 'increase', weight: 1 }],
        })
        .expect(201)
    ).body;
    contractId = contract.id;
    const review = await t.http()
      .post(`/api/v1/contracts/${contractId}/reviews`)
      .set(as(w.reviewerA))
      .send({ period: 1, measurements: [{ outcomeId: contract.outcomes[0].id, value: 5, evidence: 'Private evidence file' }] })
      .expect(201);
    await t.http().post(`/api/v1/contracts/${contractId}/reviews/${review.body.id}/approve`).set(as(w.reviewerA2)).send({ reason: 'Checked' }).expect(200);
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['GET /needs', () => '/api/v1/needs', PAGE(NEED)],
    ['GET /needs/:id', () => `/api/v1/needs/${needId}`, NEED],
    ['GET /suppliers/:id', () => `/api/v1/suppliers/${w.supplierA.organisationId}`, SUPPLIER],
    ['GET /contracts', () => '/api/v1/contracts', PAGE(CONTRACT)],
    ['GET /contracts/:id', () => `/api/v1/contracts/${contractId}`, CONTRACT],
  ])('%s shows anonymous readers allowed fields only', async (_name, path, allowed) => {
    const res = await t.http().get(path()).expect(200);
    const unexpected = fieldPaths(res.body).filter((field) => !(allowed as string[]).includes(field));
    expect(unexpected).toEqual([]);
    expect(JSON.stringify(res.body)).not.toMatch(/@e2e\.test|scrypt|Confidential reasoning|Private evidence|password/i);
  });
});
