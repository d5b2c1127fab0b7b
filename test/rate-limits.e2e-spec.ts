import { runId, uniqueSuffix } from './support/test-environment';
import { Actor, createWorld, needBody, World } from './support/actors';
import { clearQueuePrefix, createTestApp, TestApp } from './support/test-app';
import { TcpProxy } from './support/tcp-proxy';

const LIMIT = 4;

/** WRITE_RATE_LIMIT_PER_MINUTE holds per user across API processes, and writes survive Redis going away. */
describe('Write rate limit', () => {
  let t: TestApp;
  let w: World;
  const redisProxy = new TcpProxy('127.0.0.1', 6379);

  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
  const createNeed = (app: TestApp, actor: Actor) => app.http().post('/api/v1/needs').set(bearer(actor)).send(needBody());
  /** API processes on the same database and Redis, sharing a queue prefix (and so their counters). */
  const limitedApps = async (count: number, redisUrl?: string) => {
    const prefix = `pm-limits-${runId()}-${uniqueSuffix()}`;
    const env: Record<string, string> = { QUEUE_PREFIX: prefix, RUN_WORKERS_IN_API: 'false', WRITE_RATE_LIMIT_PER_MINUTE: String(LIMIT) };
    if (redisUrl) env.REDIS_URL = redisUrl;
    return Promise.all(Array.from({ length: count }, () => createTestApp({ database: t.database, env })));
  };

  beforeAll(async () => {
    t = await createTestApp();
    w = await createWorld(t);
  });

  afterAll(async () => {
    await redisProxy.cut();
    await t.close();
  });

  it('counts one user\'s writes across two API processes, answers 429 problem+json past the limit, and leaves reads and other users alone', async () => {
    const [a, b] = await limitedApps(2);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT; i++) statuses.push((await createNeed(i % 2 === 0 ? a : b, w.buyerA)).status);
      expect(statuses).toEqual(Array(LIMIT).fill(201));

      const refused = await createNeed(b, w.buyerA);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('REQUEST.RATE_LIMITED');
      expect((await createNeed(a, w.buyerA)).status).toBe(429);

      await a.http().get('/api/v1/needs').set(bearer(w.buyerA)).expect(200);
      expect((await createNeed(a, w.buyerB)).status).toBe(201);
    } finally {
      await Promise.all([a.app.close(), b.app.close()]);
      await clearQueuePrefix(a.config);
    }
  });

  it('keeps accepting writes, counted in the process, while Redis is unreachable', async () => {
    const port = await redisProxy.start();
    const [a] = await limitedApps(1, `redis://127.0.0.1:${port}`);
    try {
      expect((await createNeed(a, w.buyerB)).status).toBe(201); // counted in Redis
      await redisProxy.cut();
      // From here counted in this process's memory, from zero: the limit still applies.
      const started = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 1; i++) statuses.push((await createNeed(a, w.buyerB)).status);
      expect(statuses).toEqual([...Array(LIMIT).fill(201), 429]);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await a.app.close();
      // Through Redis itself: the proxy this app used is cut.
      await clearQueuePrefix({ ...a.config, redisUrl: t.config.redisUrl });
    }
  });
});
