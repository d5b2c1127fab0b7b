import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { ImportsJobsService } from 'src/imports/imports-jobs.service';
import { JobsService } from 'src/queue/jobs.service';
import { WorkerModule } from 'src/worker.module';
import { Actor, createWorld, needBody, signInAdmin, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'imports', name), 'utf8');
const SUPPLIERS_JSONL = fixture('suppliers.jsonl');
const SUPPLIERS_CSV = fixture('suppliers.csv');
const RELEASES_JSONL = fixture('tender-releases-scotland-wales.jsonl');
const RELEASES = RELEASES_JSONL.split('\n').filter((line) => line.trim() !== '');
const releaseOf = (ocid: string) => JSON.parse(RELEASES.find((line) => line.includes(`"ocid": "${ocid}"`)) as string);

const NDJSON = 'application/x-ndjson';
const CSV = 'text/csv';

// The rows of suppliers.jsonl (and suppliers.csv) that fail, with the field each names.
const SUPPLIER_ERRORS: [number, string][] = [
  [3, 'profile.cpvCodes[1]'],
  [6, 'row'],
  [7, 'profile.regions'],
  [9, 'externalId'],
  [10, 'isSme'],
  [12, 'profile.maxContractValue'],
];

interface ImportBody {
  id: string;
  status: string;
  total: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  published: number;
  notPublished: number;
  errors: { row: number; field: string; message: string }[];
  warnings: { row: number; field: string; message: string }[];
}

describe('Imports', () => {
  let t: TestApp;
  let w: World;
  let afterJsonLines: unknown[];

  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
  const post = (app: TestApp, path: string, actor: Actor | null, contentType: string, body: string | Buffer) => {
    const request = app.http().post(`/api/v1${path}`).set('content-type', contentType);
    return (actor ? request.set(bearer(actor)) : request).send(body);
  };
  const finished = (app: TestApp, id: string, actor: Actor) =>
    waitFor(
      async () => {
        const res = await app.http().get(`/api/v1/imports/${id}`).set(bearer(actor));
        return res.body.status === 'completed' || res.body.status === 'failed' ? (res.body as ImportBody) : undefined;
      },
      { timeoutMs: 30_000, what: `import ${id} to finish` },
    );
  const importFile = async (app: TestApp, path: string, actor: Actor, contentType: string, body: string | Buffer): Promise<ImportBody> => {
    const res = await post(app, path, actor, contentType, body);
    if (res.status !== 202) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.body).toMatchObject({ id: expect.any(String), status: 'queued' });
    expect(res.headers.location).toBe(`/api/v1/imports/${res.body.id}`);
    return finished(app, res.body.id, actor);
  };
  const suppliersTable = (app: TestApp) =>
    app.dataSource.query(
      `SELECT o.external_id, o.name, o.companies_house_number, o.is_sme, p.summary, p.capabilities, p.case_studies, p.cpv_codes,
              p.certifications, p.regions, p.max_contract_value, p.version, p.change_xid::text AS change_xid
       FROM organisations o JOIN supplier_profiles p ON p.organisation_id = o.id
       WHERE o.external_id IS NOT NULL ORDER BY o.external_id`,
    );
  const organisationIdOf = async (externalId: string) =>
    (await t.dataSource.query(`SELECT id FROM organisations WHERE external_id = $1`, [externalId]))[0]?.id as string;
  const needIdOf = async (organisationId: string, externalId: string) =>
    (await t.dataSource.query(`SELECT id FROM procurement_needs WHERE organisation_id = $1 AND external_id = $2`, [organisationId, externalId]))[0]
      ?.id as string;

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('suppliers', () => {
    it('imports JSON Lines: good rows land, bad rows are reported by row and field, with exact counts', async () => {
      const result = await importFile(t, '/imports/suppliers', w.admin, NDJSON, SUPPLIERS_JSONL);
      expect(result).toMatchObject({ kind: 'suppliers', format: 'ndjson', status: 'completed', total: 11, processed: 11, created: 5, updated: 0, unchanged: 0, failed: 6 });
      expect([...new Set(result.errors.map((e) => `${e.row} ${e.field}`))]).toEqual(SUPPLIER_ERRORS.map(([row, field]) => `${row} ${field}`));
      expect(result.errors).toEqual(
        expect.arrayContaining([
          { row: 3, field: 'profile.cpvCodes[1]', message: '99999999-9 is not a CPV code' },
          { row: 6, field: 'row', message: expect.stringMatching(/^not valid JSON/) },
          { row: 7, field: 'profile.regions', message: expect.stringContaining('regions must hold regions from') },
          { row: 10, field: 'isSme', message: 'isSme must be a boolean value' },
          { row: 12, field: 'profile.maxContractValue', message: 'maxContractValue must not be less than 0' },
        ]),
      );
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE external_id IS NOT NULL`))[0].n).toBe(5);

      const supplierId = await organisationIdOf('sup-001');
      const shown = await t.http().get(`/api/v1/suppliers/${supplierId}`).expect(200);
      expect(shown.body).toMatchObject({
        name: 'Northwind Digital Ltd',
        externalId: 'sup-001',
        isSme: true,
        companiesHouseNumber: '01234567',
        profile: { version: 1, cpvCodes: ['72000000-5', '72212000-4'], regions: ['london', 'south-east'], maxContractValue: 50_000_000 },
      });
      const escaped = await t.http().get(`/api/v1/suppliers/${await organisationIdOf('sup-008')}`).expect(200);
      expect(escaped.body.profile.caseStudies[0]).toEqual({
        title: 'Benefits data | platform',
        description: 'Built a data platform; it serves 3 departments | 200 analysts, with a \\ backslash.',
      });
      afterJsonLines = await suppliersTable(t);
    });

    it('re-importing the same file changes nothing: every good row is unchanged, no version moves', async () => {
      const result = await importFile(t, '/imports/suppliers', w.admin, NDJSON, SUPPLIERS_JSONL);
      expect(result).toMatchObject({ status: 'completed', total: 11, created: 0, updated: 0, unchanged: 5, failed: 6 });
      // Not even rewritten: the rows keep the transaction stamp of their first import.
      expect(await suppliersTable(t)).toEqual(afterJsonLines);
    });

    it('reads CSV as the same rows as JSON Lines: nothing changes, and the same rows fail on the same fields', async () => {
      const result = await importFile(t, '/imports/suppliers', w.admin, CSV, SUPPLIERS_CSV);
      expect(result).toMatchObject({ format: 'csv', status: 'completed', total: 11, created: 0, updated: 0, unchanged: 5, failed: 6 });
      expect([...new Set(result.errors.map((e) => `${e.row} ${e.field}`))]).toEqual(SUPPLIER_ERRORS.map(([row, field]) => `${row} ${field}`));
      expect(result.errors).toEqual(expect.arrayContaining([{ row: 3, field: 'profile.cpvCodes[1]', message: '99999999-9 is not a CPV code' }]));
      expect(await suppliersTable(t)).toEqual(afterJsonLines);
    });

    it('gives the same suppliers from CSV into an empty database as from JSON Lines', async () => {
      const fresh = await createTestApp({ env: { RUN_WORKERS_IN_API: 'true' } });
      try {
        const admin = await signInAdmin(fresh);
        const result = await importFile(fresh, '/imports/suppliers', admin, CSV, SUPPLIERS_CSV);
        expect(result).toMatchObject({ total: 11, created: 5, updated: 0, unchanged: 0, failed: 6 });
        const strip = (rows: Record<string, unknown>[]) => rows.map(({ change_xid: _xid, ...row }) => row);
        expect(strip(await suppliersTable(fresh))).toEqual(strip(afterJsonLines as Record<string, unknown>[]));
      } finally {
        await fresh.close();
      }
    });

    it('bumps a profile version only when the profile changed; an organisation change alone keeps it', async () => {
      const lines = SUPPLIERS_JSONL.split('\n');
      const first = JSON.parse(lines[0]);
      const second = JSON.parse(lines[1]);
      const body = [
        JSON.stringify({ ...first, profile: { ...first.profile, summary: 'A new summary.' } }),
        JSON.stringify({ ...second, name: 'Fenland Roads and Bridges' }),
        lines[3],
      ].join('\n');
      const result = await importFile(t, '/imports/suppliers', w.admin, NDJSON, body);
      expect(result).toMatchObject({ total: 3, created: 0, updated: 2, unchanged: 1, failed: 0 });
      const versions = await t.dataSource.query(
        `SELECT o.external_id, o.name, p.version FROM organisations o JOIN supplier_profiles p ON p.organisation_id = o.id
         WHERE o.external_id IN ('sup-001', 'sup-002', 'sup-004') ORDER BY o.external_id`,
      );
      expect(versions).toEqual([
        { external_id: 'sup-001', name: 'Northwind Digital Ltd', version: 2 },
        { external_id: 'sup-002', name: 'Fenland Roads and Bridges', version: 1 },
        { external_id: 'sup-004', name: 'Highland Cloud Services', version: 1 },
      ]);
    });

    it('lists imported suppliers in a need\'s ranked matches, with their externalId', async () => {
      const need = await t.http()
        .post('/api/v1/needs')
        .set(bearer(w.buyerA))
        .send(needBody({ title: 'Accessibility audits and user research for school admissions', cpvCodes: ['72212000-4'], regions: ['london'], requiredCertifications: [] }))
        .expect(201);
      await t.http().post(`/api/v1/needs/${need.body.id}/publish`).set(bearer(w.buyerA)).expect(200);
      const matches = await waitFor(
        async () => {
          const res = await t.http().get(`/api/v1/needs/${need.body.id}/matches?pageSize=100`).set(bearer(w.buyerA));
          return res.body.status === 'complete' ? res.body : undefined;
        },
        { timeoutMs: 20_000, what: 'the need to be ranked' },
      );
      expect(matches.items[0]).toMatchObject({ supplierExternalId: 'sup-001', supplierName: 'Northwind Digital Ltd' });
    });

    it('keeps the first 1,000 errors and counts every failed row; a 2 MB JSON Lines body is accepted', async () => {
      const padding = 'x'.repeat(1000);
      const body = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ externalId: `padded-${i}`, name: 'Padded', note: padding })).join('\n');
      expect(Buffer.byteLength(body)).toBeGreaterThan(2_000_000);
      const result = await importFile(t, '/imports/suppliers', w.admin, NDJSON, body);
      expect(result).toMatchObject({ status: 'completed', total: 2000, processed: 2000, created: 0, failed: 2000 });
      expect(result.errors).toHaveLength(1000);
      expect(result.errors[0]).toEqual({ row: 1, field: 'note', message: 'note is not an allowed field' });
    });
  });

  describe('needs', () => {
    it('imports OCDS releases as needs with CPV codes, budgets, deadlines and regions, keyed by ocid', async () => {
      const result = await importFile(t, '/imports/needs', w.buyerA, NDJSON, RELEASES_JSONL);
      expect(result).toMatchObject({ kind: 'needs', status: 'completed', total: 180, processed: 180, created: 180, failed: 0, published: 0 });
      const organisationId = w.buyerA.organisationId as string;

      const cotBeds = await t.http().get(`/api/v1/needs/${await needIdOf(organisationId, 'ocds-kuma6s-148336')}`).set(bearer(w.buyerA)).expect(200);
      expect(cotBeds.body).toMatchObject({
        externalId: 'ocds-kuma6s-148336',
        status: 'draft',
        title: 'Framework Agreement for Specialist Cot Beds, safe space equipment and associated spares and accessories',
        cpvCodes: ['33192100-3', '33192150-8', '33180000-5'],
        budgetMax: 37_578_000,
        budgetMin: null,
        submissionDeadline: '2025-03-25T12:00:00.000Z',
        regions: ['wales'],
      });
      // A release without an id (half of the sample) is keyed by its ocid all the same.
      expect(releaseOf('ocds-r6ebe6-0000567891').id).toBeUndefined();
      const removals = await t.http().get(`/api/v1/needs/${await needIdOf(organisationId, 'ocds-r6ebe6-0000567891')}`).set(bearer(w.buyerA)).expect(200);
      expect(removals.body).toMatchObject({ budgetMax: 75_000_000, regions: ['scotland'] });
      expect(removals.body.cpvCodes.slice(0, 2)).toEqual(['63120000-6', '63121000-3']);
      // A budget in euros is not converted: left empty, with a warning on its row.
      const euros = await t.http().get(`/api/v1/needs/${await needIdOf(organisationId, 'ocds-r6ebe6-0000577987')}`).set(bearer(w.buyerA)).expect(200);
      expect(euros.body.budgetMax).toBeNull();
      expect(result.warnings).toEqual(expect.arrayContaining([{ row: 155, field: 'tender.value.currency', message: expect.stringContaining('EUR') }]));
      // A tender with more than 100 CPV codes keeps the first 100.
      const many = await t.http().get(`/api/v1/needs/${await needIdOf(organisationId, 'ocds-kuma6s-148098')}`).set(bearer(w.buyerA)).expect(200);
      expect(many.body.cpvCodes).toHaveLength(100);

      const again = await importFile(t, '/imports/needs', w.buyerA, NDJSON, RELEASES_JSONL);
      expect(again).toMatchObject({ status: 'completed', total: 180, created: 0, updated: 0, unchanged: 180, failed: 0 });
    });

    it('imports a release package sent as JSON and, with publish=true, publishes what is valid', async () => {
      const future = releaseOf('ocds-kuma6s-148283');
      const past = releaseOf('ocds-kuma6s-148336');
      const { tender: _tender, ...withoutTender } = releaseOf('ocds-r6ebe6-0000567891');
      const body = JSON.stringify({ uri: 'https://example.test/package.json', version: '1.1', publishedDate: '2025-03-01T00:00:00Z', releases: [future, past, withoutTender] });
      const result = await importFile(t, '/imports/needs?publish=true', w.buyerB, 'application/json', body);
      expect(result).toMatchObject({ format: 'ocds-package', total: 3, created: 2, failed: 1, published: 1, notPublished: 1 });
      expect(result.errors).toEqual([{ row: 3, field: 'tender', message: 'the release has no tender to import as a need' }]);
      expect(result.warnings).toEqual(
        expect.arrayContaining([{ row: 2, field: 'tender.tenderPeriod.endDate', message: 'not published: the submission deadline must be in the future' }]),
      );
      const openId = await needIdOf(w.buyerB.organisationId as string, 'ocds-kuma6s-148283');
      const open = await t.http().get(`/api/v1/needs/${openId}`).expect(200);
      expect(open.body).toMatchObject({ status: 'open', version: 1, publishedAt: expect.any(String) });
      const job = await t.app.get(JobsService).queue('matching').getJob(`need-${openId}-v1`);
      expect(job?.name).toBe('need.publish');
    });

    it('imports JSON Lines of needs with the POST /needs rules, and re-imports replace changed needs only', async () => {
      const deadline = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
      const rows = (title: string) => [
        { externalId: 'need-001', ...needBody({ title, submissionDeadline: deadline }) },
        { externalId: 'need-002', title: 'Draft without a deadline', description: 'No deadline yet.' },
        { externalId: 'need-003', title: 'Sets its status', description: 'x', status: 'open' },
        { externalId: 'need-004', title: 'Upside-down budget', description: 'x', budgetMin: 500, budgetMax: 100 },
        { externalId: 'need-005', title: 'Unknown commitment', description: 'x', commitmentIds: ['00000000-0000-4000-8000-000000000000'] },
        { externalId: 'need-006', title: 'Unknown CPV', description: 'x', cpvCodes: ['99999999-9'] },
      ];
      const body = (title: string) => rows(title).map((row) => JSON.stringify(row)).join('\n');
      const first = await importFile(t, '/imports/needs?publish=true', w.buyerA, NDJSON, body('School admissions service'));
      expect(first).toMatchObject({ total: 6, created: 2, updated: 0, failed: 4, published: 1, notPublished: 1 });
      expect(first.errors).toEqual([
        { row: 3, field: 'status', message: 'status is not an allowed field' },
        { row: 4, field: 'budgetMin', message: 'budgetMin must not exceed budgetMax' },
        { row: 5, field: 'commitmentIds[0]', message: 'no roadmap commitment 00000000-0000-4000-8000-000000000000' },
        { row: 6, field: 'cpvCodes[0]', message: '99999999-9 is not a CPV code' },
      ]);
      expect(first.warnings).toEqual([{ row: 2, field: 'submissionDeadline', message: 'not published: a need needs a submission deadline to be published' }]);

      const second = await importFile(t, '/imports/needs?publish=true', w.buyerA, NDJSON, body('School admissions service, renamed'));
      expect(second).toMatchObject({ total: 6, created: 0, updated: 1, unchanged: 1, failed: 4, published: 0, notPublished: 1 });
      const needId = await needIdOf(w.buyerA.organisationId as string, 'need-001');
      const need = await t.http().get(`/api/v1/needs/${needId}`).expect(200);
      expect(need.body).toMatchObject({ title: 'School admissions service, renamed', status: 'open', version: 2, externalId: 'need-001' });
      // An open need edited by an import is re-ranked by its own job.
      expect((await t.app.get(JobsService).queue('matching').getJob(`need-${needId}-v2`))?.name).toBe('need.change');
    });
  });

  describe('access', () => {
    let supplierImportId: string;
    let needImportId: string;

    beforeAll(async () => {
      supplierImportId = (await post(t, '/imports/suppliers', w.admin, NDJSON, SUPPLIERS_JSONL.split('\n')[1]).expect(202)).body.id;
      needImportId = (await post(t, '/imports/needs', w.buyerA, NDJSON, JSON.stringify({ externalId: 'access-1', title: 'x', description: 'y' })).expect(202)).body.id;
      await finished(t, supplierImportId, w.admin);
      await finished(t, needImportId, w.buyerA);
    });

    it('lets only admins import suppliers and only buyers import needs', async () => {
      const line = SUPPLIERS_JSONL.split('\n')[0];
      await post(t, '/imports/suppliers', null, NDJSON, line).expect(401);
      for (const actor of [w.buyerA, w.reviewerA, w.supplierA]) await post(t, '/imports/suppliers', actor, NDJSON, line).expect(403);
      await post(t, '/imports/needs', null, NDJSON, '{}').expect(401);
      for (const actor of [w.admin, w.reviewerA, w.supplierA]) await post(t, '/imports/needs', actor, NDJSON, '{}').expect(403);
    });

    it("shows an import to its organisation and to admins; another organisation's is 404", async () => {
      await t.http().get(`/api/v1/imports/${needImportId}`).set(bearer(w.buyerA)).expect(200);
      await t.http().get(`/api/v1/imports/${needImportId}`).set(bearer(w.reviewerA)).expect(200);
      await t.http().get(`/api/v1/imports/${needImportId}`).set(bearer(w.admin)).expect(200);
      const other = await t.http().get(`/api/v1/imports/${needImportId}`).set(bearer(w.buyerB)).expect(404);
      expect(other.body.code).toBe('IMPORT.NOT_FOUND');
      await t.http().get(`/api/v1/imports/${supplierImportId}`).set(bearer(w.buyerA)).expect(404);
      await t.http().get(`/api/v1/imports/${supplierImportId}`).set(bearer(w.supplierA)).expect(403);
      await t.http().get(`/api/v1/imports/${supplierImportId}`).expect(401);
      const mine = await t.http().get('/api/v1/imports?pageSize=100').set(bearer(w.buyerB)).expect(200);
      expect(mine.body.items.map((i: { id: string }) => i.id)).not.toContain(needImportId);
    });

    it('refuses media types an import cannot read, naming the accepted ones', async () => {
      const csvNeeds = await post(t, '/imports/needs', w.buyerA, CSV, SUPPLIERS_CSV).expect(415);
      expect(csvNeeds.body).toMatchObject({ code: 'IMPORT.UNSUPPORTED_MEDIA_TYPE', errors: [{ field: 'Content-Type' }] });
      await post(t, '/imports/suppliers', w.admin, 'application/json', '{}').expect(415);
      const plain = await post(t, '/imports/suppliers', w.admin, 'text/plain', 'hello').expect(415);
      expect(plain.headers['content-type']).toMatch(/problem\+json/);
      const header = await post(t, '/imports/suppliers', w.admin, CSV, 'externalId,name,colour\nx,y,z\n').expect(400);
      expect(header.body.errors).toEqual([{ field: 'header[2]', message: expect.stringContaining('unknown column "colour"') }]);
      await post(t, '/imports/needs', w.buyerA, 'application/json', '[1, 2]').expect(400);
      await post(t, '/imports/suppliers', w.admin, NDJSON, '\n\n').expect(400);
    });
  });

  describe('the rest of the API', () => {
    it('still refuses a 2 MB JSON body to POST /needs with 413, and JSON Lines or CSV with 415', async () => {
      const big = await post(t, '/needs', w.buyerA, 'application/json', JSON.stringify(needBody({ description: 'd'.repeat(2_100_000) })));
      expect(big.status).toBe(413);
      expect(big.body.code).toBe('REQUEST.BODY_TOO_LARGE');
      await post(t, '/needs', w.buyerA, NDJSON, JSON.stringify(needBody())).expect(415);
      await post(t, '/needs', w.buyerA, CSV, 'title,description\nx,y\n').expect(415);
    });
  });

  describe('limits and recovery', () => {
    it('refuses an upload over IMPORT_BODY_LIMIT_BYTES with 413 and stores nothing', async () => {
      const small = await createTestApp({ env: { RUN_WORKERS_IN_API: 'false', IMPORT_BODY_LIMIT_BYTES: String(1024 * 1024) } });
      try {
        const admin = await signInAdmin(small);
        const line = SUPPLIERS_JSONL.split('\n')[0];
        const body = Array.from({ length: Math.ceil((2 * 1024 * 1024) / line.length) }, () => line).join('\n');
        const res = await post(small, '/imports/suppliers', admin, NDJSON, body);
        expect(res.status).toBe(413);
        expect((await small.dataSource.query(`SELECT count(*)::int AS n FROM imports`))[0].n).toBe(0);
      } finally {
        await small.close();
      }
    });

    it('resumes a worker that died mid-import after its last committed batch, duplicating nothing', async () => {
      // An API without workers stores and queues the upload; a worker context (not started, so it
      // takes no jobs) runs the import by hand, dying after two batches of two rows.
      const api = await createTestApp({ env: { RUN_WORKERS_IN_API: 'false' } });
      const worker = await Test.createTestingModule({ imports: [WorkerModule.forRoot(api.config)] }).compile();
      try {
        const admin = await signInAdmin(api);
        const queued = await post(api, '/imports/suppliers', admin, NDJSON, SUPPLIERS_JSONL).expect(202);
        const imports = worker.get(ImportsJobsService);
        let batches = 0;
        await expect(
          imports.process(queued.body.id, {
            batchSize: 2,
            afterBatch: () => {
              if (++batches === 2) throw new Error('worker killed');
            },
          }),
        ).rejects.toThrow('worker killed');
        const midway = (await api.http().get(`/api/v1/imports/${queued.body.id}`).set(bearer(admin)).expect(200)).body;
        expect(midway).toMatchObject({ status: 'running', processed: 4 });

        const done = await imports.process(queued.body.id, { batchSize: 2 });
        expect(done?.status).toBe('completed');
        const result = (await api.http().get(`/api/v1/imports/${queued.body.id}`).set(bearer(admin)).expect(200)).body;
        expect(result).toMatchObject({ status: 'completed', total: 11, processed: 11, created: 5, updated: 0, unchanged: 0, failed: 6 });
        expect([...new Set(result.errors.map((e: { row: number; field: string }) => `${e.row} ${e.field}`))]).toEqual(
          SUPPLIER_ERRORS.map(([row, field]) => `${row} ${field}`),
        );
        const counts = await api.dataSource.query(
          `SELECT (SELECT count(*)::int FROM organisations WHERE external_id IS NOT NULL) AS organisations,
                  (SELECT count(*)::int FROM supplier_profiles) AS profiles,
                  (SELECT count(*)::int FROM import_chunks) AS chunks`,
        );
        expect(counts).toEqual([{ organisations: 5, profiles: 5, chunks: 0 }]);
      } finally {
        await worker.close();
        await api.close();
      }
    });

    it('records one audit event when an import starts and one when it completes, and the chain verifies', async () => {
      const result = await importFile(t, '/imports/suppliers', w.admin, NDJSON, SUPPLIERS_JSONL.split('\n')[3]);
      const events = await t.dataSource.query(`SELECT action, after FROM audit_events WHERE object_type = 'import' AND object_id = $1 ORDER BY sequence`, [result.id]);
      expect(events.map((e: { action: string }) => e.action)).toEqual(['import.start', 'import.complete']);
      expect(events[1].after).toMatchObject({ total: 1, unchanged: 1, failed: 0 });
      const verify = await t.http().get('/api/v1/audit/verify').set(bearer(w.admin)).expect(200);
      expect(verify.body.valid).toBe(true);
    });
  });
});
