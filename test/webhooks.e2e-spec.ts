import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MatchingJobsService } from 'src/matching/matching-jobs.service';
import { JobsService } from 'src/queue/jobs.service';
import { WEBHOOKS_QUEUE } from 'src/queue/queue.definitions';
import { WEBHOOK_DELIVERY } from 'src/webhooks/webhook-delivery.settings';
import { WebhookEventsService } from 'src/webhooks/webhook-events.service';
import { WebhookSender } from 'src/webhooks/webhook-sender';
import { Actor, createWorld, needBody, profileBody, registerSupplier, World } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { waitFor, waitForQueuesToDrain } from './support/wait-for';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  close: () => Promise<void>;
}

/** A webhook subscriber on loopback: records every request and answers `statusFor(n)` to the n-th. */
async function startReceiver(statusFor: (n: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.statusCode = statusFor(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/procurement-match`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const BOOKING_PROFILE = profileBody({
  summary: 'We design, build and run accessible online booking services for councils and schools.',
  capabilities: ['online booking services', 'accessibility audits', 'GOV.UK Design System'],
  caseStudies: [{ title: 'School admissions booking', description: 'Built an accessible online admissions booking service for a London council.' }],
  cpvCodes: ['72212000-4'],
  certifications: ['cyber-essentials'],
  regions: ['london'],
});

const ROADS_PROFILE = profileBody({
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

const HEX_SECRET = /^[0-9a-f]{64}$/;

describe('Webhooks', () => {
  let t: TestApp;
  let w: World;
  const receivers: Receiver[] = [];
  const savedDelivery = { ...WEBHOOK_DELIVERY };
  let needId: string;

  const bearer = (actor: Actor) => ({ authorization: `Bearer ${actor.token}` });
  const subscribe = (actor: Actor, body: Record<string, unknown>, app: TestApp = t) =>
    app.http().post('/api/v1/suppliers/me/webhooks').set(bearer(actor)).send(body);
  const receiver = async (statusFor?: (n: number) => number) => {
    const started = await startReceiver(statusFor);
    receivers.push(started);
    return started;
  };
  const deliveriesOf = (actor: Actor, webhookId: string) =>
    t.http().get(`/api/v1/suppliers/me/webhooks/${webhookId}/deliveries?pageSize=100`).set(bearer(actor));
  const webhooksQueue = () => t.app.get(JobsService).queue(WEBHOOKS_QUEUE);

  beforeAll(async () => {
    // Retries 100 ms, 200 ms … apart instead of 2 s, 4 s …: the policy is the same, only faster.
    WEBHOOK_DELIVERY.backoffDelayMs = 100;
    t = await createTestApp();
    w = await createWorld(t);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierA)).send(BOOKING_PROFILE).expect(200);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(w.supplierB)).send(ROADS_PROFILE).expect(200);
  });

  afterAll(async () => {
    await t?.close();
    for (const r of receivers) await r.close();
    Object.assign(WEBHOOK_DELIVERY, savedDelivery);
  });

  it('sends exactly one correctly signed event for a matching need, and none again when it is re-scored or the profile changes', async () => {
    const matching = await receiver();
    const tooLow = await receiver();
    const created = await subscribe(w.supplierA, { url: matching.url, minScore: 20 }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), url: matching.url, minScore: 20, secret: expect.stringMatching(HEX_SECRET), createdAt: expect.any(String) });
    const { id: webhookId, secret } = created.body;
    // The roads supplier scores far below 95 on a booking service: it hears nothing.
    await subscribe(w.supplierB, { url: tooLow.url, minScore: 95 }).expect(201);

    const need = await t.http().post('/api/v1/needs').set(bearer(w.buyerA)).send(BOOKING_NEED).expect(201);
    needId = need.body.id;
    await t.http().post(`/api/v1/needs/${needId}/publish`).set(bearer(w.buyerA)).expect(200);

    const [request] = await waitFor(async () => (matching.received.length >= 1 ? matching.received : undefined), { what: 'the webhook event' });
    // The signature covers "<timestamp>.<raw body>", keyed with the secret shown at subscription.
    const timestamp = request.headers['x-pm-timestamp'] as string;
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex');
    expect(request.headers['x-pm-signature']).toBe(`sha256=${expected}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-pm-event-type']).toBe('match.created');

    const event = JSON.parse(request.body);
    expect(event).toEqual({
      id: request.headers['x-pm-event-id'],
      type: 'match.created',
      createdAt: expect.any(String),
      need: {
        id: needId,
        title: BOOKING_NEED.title,
        submissionDeadline: new Date(BOOKING_NEED.submissionDeadline as string).toISOString(),
        budgetMin: BOOKING_NEED.budgetMin,
        budgetMax: BOOKING_NEED.budgetMax,
      },
      match: { score: expect.any(Number), rank: 1, explanation: expect.any(Object) },
    });
    expect(event.match.score).toBeGreaterThanOrEqual(20);
    expect(event.match.explanation.matchedTerms.length).toBeGreaterThan(0);
    expect(event.match.explanation.cpvMatches).toEqual([{ need: '72212000-4', supplier: '72212000-4', level: 'exact' }]);

    const log = await waitFor(async () => {
      const res = await deliveriesOf(w.supplierA, webhookId);
      return res.body.total === 1 ? res.body : undefined;
    }, { what: 'the delivery log' });
    expect(log.items[0]).toMatchObject({ eventId: event.id, eventType: 'match.created', needId, attempt: 1, succeeded: true, statusCode: 200, error: null });
    expect(log.items[0].durationMs).toEqual(expect.any(Number));

    // The buyer edits the open need (re-scored), the need is re-ranked again, and the supplier's
    // profile changes (re-scored against open needs): the match is written each time, the event never.
    const current = await t.http().get(`/api/v1/needs/${needId}`).set(bearer(w.buyerA)).expect(200);
    await t.http()
      .patch(`/api/v1/needs/${needId}`)
      .set(bearer(w.buyerA))
      .set('if-match', String(current.body.version))
      .send({ description: 'Design, build and run an accessible online booking service for school admissions.' })
      .expect(200);
    await waitFor(
      async () => {
        const res = await t.http().get(`/api/v1/needs/${needId}/matches`).set(bearer(w.buyerA));
        return res.body.status === 'complete' && res.body.items[0]?.needVersion === current.body.version + 1 ? true : undefined;
      },
      { what: 'the edited need to be re-scored' },
    );
    await t.app.get(MatchingJobsService).scoreNeed(needId, { force: true });
    await t.http()
      .put('/api/v1/suppliers/me/profile')
      .set(bearer(w.supplierA))
      .send({ ...BOOKING_PROFILE, summary: 'We design, build and run accessible booking services for schools and councils.' })
      .expect(200);
    await waitFor(
      async () => {
        const res = await t.http().get(`/api/v1/needs/${needId}/matches`).set(bearer(w.buyerA));
        const item = res.body.items.find((i: { supplierId: string }) => i.supplierId === w.supplierA.organisationId);
        return item?.profileVersion === 2 ? true : undefined;
      },
      { what: 'the changed profile to be re-scored' },
    );
    await waitForQueuesToDrain([webhooksQueue()]);

    expect(matching.received).toHaveLength(1);
    expect(tooLow.received).toHaveLength(0);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_events WHERE subscription_id = $1`, [webhookId]);
    expect(n).toBe(1);
  });

  it('retries a failing receiver with backoff, and the delivery log shows each attempt', async () => {
    // A third supplier subscribes, then saves a profile that enters the open need's ranking: the
    // profile re-scoring path records the event. Its receiver fails twice before it accepts.
    const flaky = await receiver((n) => (n <= 2 ? 500 : 204));
    const supplierC = await registerSupplier(t, 'supplier-c');
    const created = await subscribe(supplierC, { url: flaky.url, minScore: 0 }).expect(201);
    await t.http().put('/api/v1/suppliers/me/profile').set(bearer(supplierC)).send(BOOKING_PROFILE).expect(200);

    const log = await waitFor(
      async () => {
        const res = await deliveriesOf(supplierC, created.body.id);
        return res.body.total === 3 ? res.body : undefined;
      },
      { timeoutMs: 20_000, what: 'three delivery attempts' },
    );
    expect(flaky.received).toHaveLength(3);
    // Newest first: two refusals, then success, all the same event.
    expect(log.items.map((d: { attempt: number }) => d.attempt)).toEqual([3, 2, 1]);
    expect(log.items.map((d: { statusCode: number }) => d.statusCode)).toEqual([204, 500, 500]);
    expect(log.items.map((d: { succeeded: boolean }) => d.succeeded)).toEqual([true, false, false]);
    expect(log.items[1].error).toBe('answered HTTP 500');
    expect(new Set(log.items.map((d: { eventId: string }) => d.eventId)).size).toBe(1);
    expect(log.items.every((d: { needId: string }) => d.needId === needId)).toBe(true);

    // Every attempt sends the same event, body and all, numbered, and the waits grow.
    const [first, second, third] = flaky.received;
    expect(new Set(flaky.received.map((r) => r.headers['x-pm-event-id'])).size).toBe(1);
    expect(second.body).toBe(first.body);
    expect(third.body).toBe(first.body);
    expect(flaky.received.map((r) => r.headers['x-pm-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(second.at - first.at).toBeGreaterThanOrEqual(90);
    expect(third.at - second.at).toBeGreaterThanOrEqual(190);
    const [{ status }] = await t.dataSource.query(`SELECT status FROM webhook_events WHERE subscription_id = $1`, [created.body.id]);
    expect(status).toBe('delivered');
  });

  it('re-enqueues from PostgreSQL an event whose delivery job Redis lost', async () => {
    const target = await receiver();
    const supplierE = await registerSupplier(t, 'supplier-e');
    const created = await subscribe(supplierE, { url: target.url, minScore: 0 }).expect(201);
    // An event recorded with its match, whose job never reached Redis (or was lost with it).
    const [{ id: eventId }] = await t.dataSource.query(
      `INSERT INTO webhook_events (subscription_id, need_id, supplier_id, type, payload, status, attempts, created_at)
       SELECT $1, need_id, $2, type, payload, 'pending', 0, now() FROM webhook_events WHERE need_id = $3 LIMIT 1 RETURNING id`,
      [created.body.id, supplierE.organisationId, needId],
    );
    const events = t.app.get(WebhookEventsService);
    // Too fresh to be owed (its own enqueue may be in flight); a minute later the reconciler takes it.
    expect(await events.reconcile()).toBe(0);
    expect(await events.reconcile(new Date(Date.now() + 2 * WEBHOOK_DELIVERY.reconcileAfterMs))).toBe(1);
    await waitFor(async () => (target.received.length === 1 ? true : undefined), { what: 'the reconciled delivery' });
    expect(target.received[0].headers['x-pm-event-id']).toBe(eventId);
    await waitForQueuesToDrain([webhooksQueue()]);
    expect(await events.reconcile(new Date(Date.now() + 2 * WEBHOOK_DELIVERY.reconcileAfterMs))).toBe(0);
  });

  it('refuses non-http URLs, scores outside 0–100 and unknown fields, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.org/hook', minScore: 50 }, 'url'],
      [{ url: 'file:///etc/passwd', minScore: 50 }, 'url'],
      [{ url: 'not a url', minScore: 50 }, 'url'],
      [{ url: `https://example.org/${'a'.repeat(2000)}`, minScore: 50 }, 'url'],
      [{ url: 'https://user:password@example.org/hook', minScore: 50 }, 'url'],
      [{ minScore: 50 }, 'url'],
      [{ url: 'https://example.org/hook', minScore: 101 }, 'minScore'],
      [{ url: 'https://example.org/hook', minScore: -1 }, 'minScore'],
      [{ url: 'https://example.org/hook', minScore: 50.25 }, 'minScore'],
      [{ url: 'https://example.org/hook', minScore: '50' }, 'minScore'],
      [{ url: 'https://example.org/hook' }, 'minScore'],
      [{ url: 'https://example.org/hook', minScore: 50, secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await subscribe(w.supplierA, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('refuses private, loopback, link-local and unspecified targets when private targets are not allowed', async () => {
    const strict = await createTestApp({ database: t.database, env: { WEBHOOKS_ALLOW_PRIVATE: 'false', RUN_WORKERS_IN_API: 'false' } });
    try {
      for (const url of [
        'http://localhost:8080/hook',
        'http://127.0.0.1/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[fd00::1]/hook',
        'http://[fe80::1]/hook',
        'http://10.0.0.5/hook',
        'http://192.168.1.10/hook',
        'http://0.0.0.0/hook',
        'http://0x7f.1/hook',
        'http://2130706433/hook',
      ]) {
        const res = await subscribe(w.supplierA, { url, minScore: 50 }, strict);
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
        expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringContaining('private or local address') }]);
      }
      // A public address is accepted (no request is made at subscription time).
      const accepted = await subscribe(w.supplierA, { url: 'https://93.184.215.14/hook', minScore: 100 }, strict).expect(201);
      await strict.http().delete(`/api/v1/suppliers/me/webhooks/${accepted.body.id}`).set(bearer(w.supplierA)).expect(204);
    } finally {
      await strict.close();
    }
  });

  it('checks the address again at delivery, on the connection itself, so a name that now resolves inside is refused', async () => {
    // As if DNS had answered a public address at subscription time and a loopback one now (rebinding).
    const inside = await receiver();
    const sender = new WebhookSender({ ...t.config, webhooksAllowPrivate: false });
    for (const url of [`http://localhost:${inside.port}/hook`, `http://127.0.0.1:${inside.port}/hook`, `http://[::ffff:127.0.0.1]:${inside.port}/hook`]) {
      const outcome = await sender.send(url, { 'content-type': 'application/json' }, '{}', 2000);
      expect({ url, ...outcome }).toEqual({ url, succeeded: false, statusCode: null, error: expect.stringMatching(/loopback address/), durationMs: expect.any(Number) });
    }
    expect(inside.received).toHaveLength(0);
    // The same receiver, allowed: the sender itself works, and never follows a redirect.
    const redirecting = await receiver(() => 302);
    const allowed = await new WebhookSender(t.config).send(redirecting.url, { 'content-type': 'application/json' }, '{}', 2000);
    expect(allowed).toMatchObject({ succeeded: false, statusCode: 302, error: 'answered HTTP 302' });
    expect(redirecting.received).toHaveLength(1);
  });

  it('never shows a secret again, and keeps each supplier to its own webhooks', async () => {
    const target = await receiver();
    const created = await subscribe(w.supplierB, { url: target.url, minScore: 99.5 }).expect(201);
    const { id, secret } = created.body;

    const list = await t.http().get('/api/v1/suppliers/me/webhooks').set(bearer(w.supplierB)).expect(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(list.body.items).toContainEqual({ id, url: target.url, minScore: 99.5, createdAt: created.body.createdAt });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    for (const item of list.body.items) expect(item).not.toHaveProperty('secret');
    // Not stored as written either (encrypted), nor in the audit trail.
    const [stored] = await t.dataSource.query(`SELECT secret_encrypted FROM webhook_subscriptions WHERE id = $1`, [id]);
    expect(stored.secret_encrypted).not.toContain(secret);
    const [{ n: audited }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE object_id = $1 AND (after::text LIKE $2)`, [
      id,
      `%${secret}%`,
    ]);
    expect(audited).toBe(0);

    // Another supplier's webhook does not exist for you; other roles may not call at all.
    await t.http().delete(`/api/v1/suppliers/me/webhooks/${id}`).set(bearer(w.supplierA)).expect(404);
    await deliveriesOf(w.supplierA, id).expect(404);
    const mine = await t.http().get('/api/v1/suppliers/me/webhooks').set(bearer(w.supplierA)).expect(200);
    expect(mine.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    await subscribe(w.buyerA, { url: target.url, minScore: 50 }).expect(403);
    await t.http().get('/api/v1/suppliers/me/webhooks').set(bearer(w.buyerA)).expect(403);
    await t.http().get('/api/v1/suppliers/me/webhooks').set(bearer(w.admin)).expect(403);
    await t.http().post('/api/v1/suppliers/me/webhooks').send({ url: target.url, minScore: 50 }).expect(401);
    await t.http().get('/api/v1/suppliers/me/webhooks').expect(401);
    await t.http().delete(`/api/v1/suppliers/me/webhooks/${id}`).expect(401);
    await t.http().delete('/api/v1/suppliers/me/webhooks/not-a-uuid').set(bearer(w.supplierB)).expect(400);

    await deliveriesOf(w.supplierB, id).expect(200);
    await t.http().delete(`/api/v1/suppliers/me/webhooks/${id}`).set(bearer(w.supplierB)).expect(204);
    await t.http().delete(`/api/v1/suppliers/me/webhooks/${id}`).set(bearer(w.supplierB)).expect(404);
    await deliveriesOf(w.supplierB, id).expect(404);
    const after = await t.http().get('/api/v1/suppliers/me/webhooks').set(bearer(w.supplierB)).expect(200);
    expect(after.body.total).toBe(1);
  });

  it('holds a supplier to 10 webhooks', async () => {
    const supplierD = await registerSupplier(t, 'supplier-d');
    const target = await receiver();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await subscribe(supplierD, { url: `${target.url}?n=${i}`, minScore: 100 }).expect(201)).body.id);
    const refused = await subscribe(supplierD, { url: target.url, minScore: 100 }).expect(409);
    expect(refused.body.code).toBe('WEBHOOK.LIMIT_REACHED');
    await t.http().delete(`/api/v1/suppliers/me/webhooks/${ids[0]}`).set(bearer(supplierD)).expect(204);
    await subscribe(supplierD, { url: target.url, minScore: 100 }).expect(201);
  });
});
