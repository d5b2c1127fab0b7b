import { prepareDatabase } from 'src/database/prepare-database';
import { createWorld, needBody, profileBody, World } from '../support/actors';
import { createTestApp, TestApp } from '../support/test-app';
import { runId, uniqueSuffix } from '../support/test-environment';
import { waitFor } from '../support/wait-for';
import { Sql } from './support/corpus';
import { configOf, faultEnv } from './support/fault-env';
import { PostgresCluster } from './support/postgres-cluster';
import { sleep } from './support/service-process';

interface Attempt {
  kind: 'create' | 'publish';
  status: number;
  ms: number;
  startedAt: number;
  contentType?: string;
  code?: string;
  needId?: string;
}

const POOL_TIMEOUT_MS = 1500;
// What "fast" allows beyond the pool's acquire timeout: the request's own work and this loaded machine.
const FAIL_FAST_MARGIN_MS = 1500;
const REQUEST_TIMEOUT_MS = 2500;
const WRITERS = 3;
const OUTAGE_MS = 5000;
const RECOVERY_BOUND_MS = 30_000;
const figures: Record<string, Record<string, number | string>> = {};

describe('PostgreSQL unavailable while needs are being written', () => {
  let cluster: PostgresCluster;
  let t: TestApp;
  let w: World;
  let sql: Sql;

  // TypeORM prints every failed query to the console: hundreds of lines while PostgreSQL is away.
  const consoleLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);

  beforeAll(async () => {
    // Our own cluster, so that crashing it leaves everyone else's tests alone.
    cluster = await PostgresCluster.create();
    await cluster.start();
    const database = `pm_${runId()}_${uniqueSuffix()}_faults_test`;
    const env = faultEnv(database, {
      DATABASE_URL: cluster.url(database),
      DATABASE_POOL_TIMEOUT_MS: String(POOL_TIMEOUT_MS),
      // The deadline after which a request is answered 503 whatever it waits on (see the frozen case).
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      // Three writers without pause for two outages exceed the default per-minute write limit; a 429
      // here would measure throttling, not how PostgreSQL's absence is answered.
      WRITE_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    await prepareDatabase(configOf(env));
    t = await createTestApp({ database, env });
    sql = new Sql(cluster.url(database));
    w = await createWorld(t);
    for (const supplier of [w.supplierA, w.supplierB]) {
      await t.http().put('/api/v1/suppliers/me/profile').auth(supplier.token, { type: 'bearer' }).send(profileBody()).expect(200);
    }
  });

  afterAll(async () => {
    try {
      cluster?.thaw();
    } catch {
      // Not running: nothing to thaw.
    }
    await cluster?.start().catch(() => undefined);
    await sql?.end();
    await t?.close();
    await cluster?.destroy();
    consoleLog.mockRestore();
    console.log(`PostgreSQL fault figures: ${JSON.stringify(figures)}`);
  });

  /**
   * Writers create and publish needs without pause while `fault` takes PostgreSQL away for a few
   * seconds and `restore` brings it back; returns every attempt and when PostgreSQL was back.
   */
  async function underLoad(tag: string, fault: () => Promise<void> | void, restore: () => Promise<void> | void, f: Record<string, number | string>) {
    let stop = false;
    const attempts: Attempt[] = [];
    const record = (kind: Attempt['kind'], startedAt: number, res: { status: number; headers: Record<string, string>; body: any }) => {
      const attempt: Attempt = { kind, status: res.status, ms: Date.now() - startedAt, startedAt, contentType: res.headers['content-type'], code: res.body?.code };
      attempts.push(attempt);
      return attempt;
    };
    const writer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        let startedAt = Date.now();
        const created = await t.http().post('/api/v1/needs').auth(w.buyerA.token, { type: 'bearer' }).send(needBody({ title: `${tag} need ${worker}-${i}` }));
        const attempt = record('create', startedAt, created);
        if (created.status === 201) {
          attempt.needId = created.body.id;
          startedAt = Date.now();
          const published = await t.http().post(`/api/v1/needs/${created.body.id}/publish`).auth(w.buyerA.token, { type: 'bearer' });
          record('publish', startedAt, published).needId = created.body.id;
        }
        await sleep(20);
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, i) => writer(i));
    try {
      await sleep(1500);
      const downAt = Date.now();
      await fault();
      await sleep(OUTAGE_MS);
      await restore();
      const backAt = Date.now();
      f.outageSeconds = seconds(backAt - downAt);

      // Recovery by itself: a write succeeds again, and readiness says so, with no restart of the app.
      const firstWriteBack = () => attempts.find((a) => a.kind === 'create' && a.status === 201 && a.startedAt >= backAt);
      await waitFor(async () => (firstWriteBack() ? true : undefined), {
        timeoutMs: RECOVERY_BOUND_MS,
        intervalMs: 50,
        what: 'a write to succeed after PostgreSQL returned',
      });
      f.secondsFromReturnToFirstWrite = seconds(firstWriteBack()!.startedAt + firstWriteBack()!.ms - backAt);
      await waitFor(async () => ((await t.http().get('/health/ready')).status === 200 ? true : undefined), {
        timeoutMs: RECOVERY_BOUND_MS,
        intervalMs: 100,
        what: 'readiness after PostgreSQL returned',
      });
      f.secondsFromReturnToReady = seconds(Date.now() - backAt);
      await sleep(1000);
      return { attempts, backAt };
    } finally {
      // Also when an expectation fails: no request may outlive the test.
      stop = true;
      await Promise.all(writers);
    }
  }

  /** While it was down: 503 problem+json, each within the pool's acquire timeout and a margin. Never a 500, never a hang. */
  function expectFastFailures(attempts: Attempt[], f: Record<string, number | string>): void {
    const failed = attempts.filter((a) => a.status !== 201 && a.status !== 200);
    f.attempts = attempts.length;
    f.answered503 = failed.length;
    f.slowestFailureMs = Math.max(0, ...failed.map((a) => a.ms));
    f.slowestAnswerMs = Math.max(...attempts.map((a) => a.ms));
    f.answersOverBound = attempts.filter((a) => a.ms > POOL_TIMEOUT_MS + FAIL_FAST_MARGIN_MS).length;
    f.failureCodes = [...new Set(failed.map((a) => `${a.status} ${a.code}`))].join(', ');
    expect(failed.length).toBeGreaterThanOrEqual(WRITERS);
    expect(failed.filter((a) => a.status !== 503 || a.contentType?.startsWith('application/problem+json') !== true)).toEqual([]);
    expect(attempts.filter((a) => a.ms > POOL_TIMEOUT_MS + FAIL_FAST_MARGIN_MS).map((a) => `${a.kind} ${a.status} in ${a.ms} ms`)).toEqual([]);
  }

  /** Every need answered 201 exists with exactly one creation event; none exists without one; open exactly when its publication was recorded. */
  async function expectNoPartialWrites(tag: string, attempts: Attempt[], f: Record<string, number | string>): Promise<void> {
    const created = new Set(attempts.filter((a) => a.kind === 'create' && a.status === 201).map((a) => a.needId!));
    const stored = await sql.rows<{ id: string; title: string; status: string; creates: number; publishes: number }>(
      `SELECT n.id, n.title, n.status,
         count(*) FILTER (WHERE a.action = 'need.create')::int AS creates,
         count(*) FILTER (WHERE a.action = 'need.publish')::int AS publishes
       FROM procurement_needs n LEFT JOIN audit_events a ON a.object_type = 'need' AND a.object_id = n.id::text
       GROUP BY n.id, n.title, n.status`,
    );
    const byId = new Map(stored.map((row) => [row.id, row]));
    expect([...created].filter((id) => !byId.has(id))).toEqual([]);
    expect(stored.filter((row) => row.creates !== 1)).toEqual([]);
    expect(stored.filter((row) => (row.status === 'open') !== (row.publishes === 1) || row.publishes > 1)).toEqual([]);
    const publishedOk = attempts.filter((a) => a.kind === 'publish' && a.status === 200).map((a) => a.needId!);
    expect(publishedOk.filter((id) => byId.get(id)?.status !== 'open')).toEqual([]);
    const ours = stored.filter((row) => row.title.startsWith(`${tag} `));
    f.needsStored = ours.length;
    // A write committed just as the server died can have been answered 503: allowed, and counted.
    f.committedButAnswered503 = ours.filter((row) => !created.has(row.id)).length;

    const verify = await t.http().get('/api/v1/audit/verify').auth(w.admin.token, { type: 'bearer' }).expect(200);
    expect(verify.body).toMatchObject({ valid: true });
    f.auditEventsVerified = verify.body.events;
  }

  /** Matching jobs that failed while PostgreSQL was away are retried or re-created: every open need is scored. */
  async function expectEveryOpenNeedScored(backAt: number, f: Record<string, number | string>): Promise<void> {
    await waitFor(
      async () => {
        const owed = await sql.count(
          `SELECT count(*) AS n FROM procurement_needs n LEFT JOIN need_matching_state s ON s.need_id = n.id
           WHERE n.status = 'open' AND (s.need_id IS NULL OR s.scored_version < n.version)`,
        );
        return owed === 0 ? true : undefined;
      },
      { timeoutMs: Math.max(1000, RECOVERY_BOUND_MS - (Date.now() - backAt)), intervalMs: 200, what: 'every open need scored' },
    );
    f.secondsFromReturnToAllScored = seconds(Date.now() - backAt);
  }

  it('crashed (pg_ctl stop -m immediate) and restarted: writes fail fast with 503, it recovers by itself, no partial write', async () => {
    const f = (figures.crash = {});
    const { attempts, backAt } = await underLoad(
      'crash',
      () => cluster.crash(),
      () => cluster.start(),
      f,
    );
    await expectNoPartialWrites('crash', attempts, f);
    await expectEveryOpenNeedScored(backAt, f);
    expectFastFailures(attempts, f);
  }, 90_000);

  it('frozen (accepting connections, answering nothing) and thawed: writes still fail fast with 503, and it recovers by itself', async () => {
    const f = (figures.frozen = {});
    const { attempts, backAt } = await underLoad(
      'frozen',
      () => cluster.freeze(),
      () => cluster.thaw(),
      f,
    );
    await expectNoPartialWrites('frozen', attempts, f);
    await expectEveryOpenNeedScored(backAt, f);
    expectFastFailures(attempts, f);
  }, 90_000);
});

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
