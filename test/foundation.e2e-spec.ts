import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { prepareDatabase } from 'src/database/prepare-database';
import { profileBody, signIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { dropTestDatabase, newTestDatabaseName } from './support/test-database';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, testConfig } from './support/test-environment';
import { TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait-for';

describe('Service foundation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('answers liveness without the API prefix', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('is ready when PostgreSQL and Redis answer', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body.details).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
    });
  });

  describe('roadmap reference data', () => {
    it('lists the five aims in the roadmap order', async () => {
      const res = await t.http().get('/api/v1/roadmap/aims').expect(200);
      expect(res.body.map((aim: { code: string }) => aim.code)).toEqual([
        'easier-lives',
        'faster-growth',
        'firmer-foundations',
        'smarter-organisations',
        'higher-productivity',
      ]);
    });

    it('lists the six priorities numbered 1 to 6', async () => {
      const res = await t.http().get('/api/v1/roadmap/priorities').expect(200);
      expect(res.body).toHaveLength(6);
      expect(res.body.map((p: { number: number }) => p.number)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(res.body[4]).toMatchObject({ number: 5, title: expect.stringMatching(/outcomes/i) });
    });
  });

  describe('CPV look-up', () => {
    it('returns the IT services code', async () => {
      const res = await t.http().get('/api/v1/cpv/72000000-5').expect(200);
      expect(res.body).toEqual({
        code: '72000000-5',
        description: 'IT services: consulting, software development, Internet and support',
        level: 'division',
      });
    });

    it('answers 404 problem+json for an unknown code', async () => {
      const res = await t.http().get('/api/v1/cpv/72000001-5').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'CPV.NOT_FOUND' });
    });

    it('answers 400 naming the field for a malformed code', async () => {
      const res = await t.http().get('/api/v1/cpv/7200').expect(400);
      expect(res.body.errors).toEqual([{ field: 'code', message: expect.any(String) }]);
    });

    it('searches descriptions case-insensitively, paginated', async () => {
      const res = await t.http().get('/api/v1/cpv?q=SOFTWARE&pageSize=5&page=2').expect(200);
      expect(res.body).toMatchObject({ page: 2, pageSize: 5 });
      expect(res.body.total).toBeGreaterThan(100);
      expect(res.body.items).toHaveLength(5);
      for (const item of res.body.items) expect(item.description.toLowerCase()).toContain('software');
    });

    it('filters by code prefix', async () => {
      const res = await t.http().get('/api/v1/cpv?prefix=7222&pageSize=100').expect(200);
      expect(res.body.total).toBeGreaterThan(0);
      for (const item of res.body.items) expect(item.code.startsWith('7222')).toBe(true);
    });

    it('treats LIKE wildcards in the query as plain text', async () => {
      const res = await t.http().get('/api/v1/cpv?q=%25%25_').expect(200);
      expect(res.body.total).toBe(0);
    });

    it.each([
      ['pageSize=101', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      ['page=0', 'page'],
      ['prefix=7a', 'prefix'],
      ['unknownField=1', 'unknownField'],
    ])('refuses ?%s naming %s', async (query, field) => {
      const res = await t.http().get(`/api/v1/cpv?${query}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('REQUEST.VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('errors', () => {
    it('answers an unknown route with 404 problem+json and a request id', async () => {
      const res = await t.http().get('/api/v1/nothing-here').set('x-request-id', 'trace-123').expect(404);
      expect(res.headers['x-request-id']).toBe('trace-123');
      expect(res.body).toMatchObject({ status: 404, code: 'ROUTE.NOT_FOUND', requestId: 'trace-123' });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('sets security headers', async () => {
      const res = await t.http().get('/health/live');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeDefined();
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3 document at /docs-json describing the API', async () => {
      const res = await t.http().get('/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(res.body.info.title).toBe('Procurement Match API');
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining(['/health/ready', '/api/v1/roadmap/priorities', '/api/v1/cpv/{code}']),
      );
    });

    it('serves the interactive documentation at /docs', async () => {
      const res = await t.http().get('/docs').redirects(1).expect(200);
      expect(res.text).toContain('swagger');
    });
  });
});

describe('Database preparation', () => {
  it('creates a missing database, migrates it, loads reference data, and changes nothing the second time', async () => {
    const name = newTestDatabaseName();
    const config = testConfig(name);
    try {
      const first = await prepareDatabase(config);
      expect(first.databaseCreated).toBe(true);
      expect(first.migrationsRun.length).toBeGreaterThan(0);
      expect(first.referenceData).toEqual({ aims: 5, priorities: 6, cpvCodes: 9454 });

      const second = await prepareDatabase(config);
      expect(second).toMatchObject({ databaseCreated: false, migrationsRun: [] });

      const dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
      try {
        const [counts] = await dataSource.query(`SELECT
          (SELECT count(*)::int FROM roadmap_aims) AS aims,
          (SELECT count(*)::int FROM roadmap_priorities) AS priorities,
          (SELECT count(*)::int FROM cpv_codes) AS cpv,
          (SELECT count(*)::int FROM migrations) AS migrations`);
        expect(counts).toEqual({ aims: 5, priorities: 6, cpv: 9454, migrations: first.migrationsRun.length });
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await dropTestDatabase(name);
    }
  });

  it('prepares safely when several processes start at once', async () => {
    const name = newTestDatabaseName();
    const config = testConfig(name);
    try {
      const reports = await Promise.all([prepareDatabase(config), prepareDatabase(config), prepareDatabase(config)]);
      expect(reports.filter((r) => r.migrationsRun.length > 0)).toHaveLength(1);
      expect(reports.filter((r) => r.databaseCreated)).toHaveLength(1);
    } finally {
      await dropTestDatabase(name);
    }
  });
});

describe('Readiness when a dependency goes away', () => {
  const DEADLINE_MS = 800;
  const redisProxy = new TcpProxy('127.0.0.1', 6379);
  const postgresProxy = new TcpProxy('127.0.0.1', 5432);
  let t: TestApp;

  beforeAll(async () => {
    const redisPort = await redisProxy.start();
    const postgresPort = await postgresProxy.start();
    const { createTestDatabase } = await import('./support/test-database');
    const database = await createTestDatabase();
    t = await createTestApp({
      database,
      env: {
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${postgresPort}/${database}`,
        REQUEST_TIMEOUT_MS: String(DEADLINE_MS),
      },
    });
  });

  afterAll(async () => {
    await redisProxy.restore().catch(() => undefined);
    await postgresProxy.restore().catch(() => undefined);
    await t.close();
    await redisProxy.cut();
    await postgresProxy.cut();
    await dropTestDatabase(t.database);
  });

  it('answers 503 within 2 seconds while Redis is unreachable, and 200 again once it is back', async () => {
    await t.http().get('/health/ready').expect(200);
    await redisProxy.cut();

    const started = Date.now();
    const res = await t.http().get('/health/ready');
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body.details.redis.status).toBe('down');
    await t.http().get('/health/live').expect(200);

    await redisProxy.restore();
    await waitFor(async () => ((await t.http().get('/health/ready')).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'readiness after Redis returns',
    });
  });

  it('answers 503 at the request deadline while PostgreSQL accepts but answers nothing, except on the long-running import routes', async () => {
    await t.http().get('/api/v1/roadmap/aims').expect(200);
    const importer = await signIn(t, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD);
    postgresProxy.freeze();
    try {
      const started = Date.now();
      const res = await t.http().get('/api/v1/roadmap/aims');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 503, code: 'SERVICE.TIMEOUT', requestId: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1000);
      // A write too (its body already read when the deadline comes).
      const write = await t.http().post('/api/v1/organisations').set('authorization', `Bearer ${importer}`).send({ kind: 'buyer', name: 'Frozen Dept' });
      expect([write.status, write.body.code]).toEqual([503, 'SERVICE.TIMEOUT']);

      // An import may take longer than the deadline: it is answered when PostgreSQL answers.
      const upload = t.http()
        .post('/api/v1/imports/suppliers')
        .set('authorization', `Bearer ${importer}`)
        .set('content-type', 'application/x-ndjson')
        .send(`${JSON.stringify({ externalId: 'deadline-1', name: 'Deadline Ltd', profile: profileBody() })}\n`);
      const answered = upload.then((r) => r);
      await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS * 2));
      postgresProxy.thaw();
      const answer = await answered;
      expect([answer.status, answer.body.code]).toEqual([202, undefined]);
    } finally {
      postgresProxy.thaw();
    }
    await t.http().get('/api/v1/roadmap/aims').expect(200);
  });

  it('answers 503 within 2 seconds while PostgreSQL is unreachable, and 200 again once it is back', async () => {
    await t.http().get('/health/ready').expect(200);
    await postgresProxy.cut();

    const started = Date.now();
    const res = await t.http().get('/health/ready');
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body.details.database.status).toBe('down');

    // A request that needs the database fails fast with 503 problem+json instead of hanging.
    const failed = await t.http().get('/api/v1/roadmap/aims');
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe('SERVICE.DATABASE_UNAVAILABLE');

    await postgresProxy.restore();
    await waitFor(async () => ((await t.http().get('/health/ready')).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'readiness after PostgreSQL returns',
    });
    await t.http().get('/api/v1/roadmap/aims').expect(200);
  });
});
