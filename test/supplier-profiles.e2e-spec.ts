import { createWorld, profileBody, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

describe('Supplier profiles', () => {
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

  it('starts empty at version 0', async () => {
    const res = await t.http().get('/api/v1/suppliers/me/profile').set(bearer(w.supplierB.token)).expect(200);
    expect(res.body).toMatchObject({ supplierId: w.supplierB.organisationId, summary: '', capabilities: [], version: 0 });
  });

  it('replaces the profile on PUT and bumps the version each time', async () => {
    const first = await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA.token)).send(profileBody()).expect(200);
    expect(first.body).toMatchObject({ version: 1, maxContractValue: 100_000_000, caseStudies: [expect.objectContaining({ title: 'Council booking service' })] });
    const second = await t.http()
      .put('/api/v1/suppliers/me/profile')
      .set(bearer(w.supplierA.token))
      .send(profileBody({ capabilities: ['data engineering'], maxContractValue: null }))
      .expect(200);
    expect(second.body).toMatchObject({ version: 2, capabilities: ['data engineering'], maxContractValue: null });
    const read = await t.http().get('/api/v1/suppliers/me/profile').set(bearer(w.supplierA.token)).expect(200);
    expect(read.body).toEqual(second.body);
  });

  it('enqueues a re-scoring job for each new version', async () => {
    const saved = await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA.token)).send(profileBody()).expect(200);
    const { JobsService } = await import('src/queue/jobs.service');
    const job = await t.app.get(JobsService).queue('matching').getJob(`profile-${w.supplierA.organisationId}-v${saved.body.version}`);
    expect(job?.name).toBe('profile.change');
  });

  it('shows the public part to anyone', async () => {
    const res = await t.http().get(`/api/v1/suppliers/${w.supplierA.organisationId}`).expect(200);
    expect(res.body).toMatchObject({ id: w.supplierA.organisationId, name: 'supplier-a Ltd', profile: { cpvCodes: ['72000000-5'] } });
    expect(JSON.stringify(res.body)).not.toMatch(/@e2e\.test|password/);
    await t.http().get(`/api/v1/suppliers/${w.buyerA.organisationId}`).expect(404);
  });

  it('accepts the limits: a 5,000-character summary, 100 case studies of 300/5,000 characters, empty lists', async () => {
    const caseStudies = Array.from({ length: 100 }, (_, i) => ({ title: `${i}`.padEnd(300, 't'), description: 'd'.repeat(5000) }));
    await t.http()
      .put('/api/v1/suppliers/me/profile')
      .set(bearer(w.supplierB.token))
      .send(profileBody({ summary: 's'.repeat(5000), caseStudies, capabilities: [], cpvCodes: [], certifications: [], regions: [] }))
      .expect(200);
  });

  it.each([
    [{ summary: 's'.repeat(5001) }, 'summary'],
    [{ caseStudies: [{ title: 'x'.repeat(301), description: 'y' }] }, 'caseStudies[0].title'],
    [{ caseStudies: [{ title: 'x' }] }, 'caseStudies[0].description'],
    [{ caseStudies: [{ title: 'x', description: 'y', extra: 1 }] }, 'caseStudies[0].extra'],
    [{ cpvCodes: ['12345678-9'] }, 'cpvCodes[0]'],
    [{ certifications: ['Cyber Essentials'] }, 'certifications'],
    [{ regions: ['mars'] }, 'regions'],
    [{ maxContractValue: -5 }, 'maxContractValue'],
    [{ maxContractValue: 1.5 }, 'maxContractValue'],
    [{ version: 99 }, 'version'],
    [{ organisationId: '00000000-0000-4000-8000-000000000000' }, 'organisationId'],
    [{ capabilities: 'not a list' }, 'capabilities'],
  ])('refuses %j naming %s and changes nothing', async (overrides, field) => {
    const before = await t.http().get('/api/v1/suppliers/me/profile').set(bearer(w.supplierA.token));
    const res = await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA.token)).send(profileBody(overrides)).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    const after = await t.http().get('/api/v1/suppliers/me/profile').set(bearer(w.supplierA.token));
    expect(after.body).toEqual(before.body);
  });
});
