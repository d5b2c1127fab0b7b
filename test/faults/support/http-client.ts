import { Agent, request as httpRequest } from 'node:http';
import { needBody } from '../../support/actors';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, uniqueSuffix } from '../../support/test-environment';
import { sleep } from './service-process';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  ms: number;
}

/**
 * A plain HTTP client for an API running as its own process. Each request has a connection of its
 * own (no keep-alive), so a request is either accepted by the server or refused: never sent down a
 * pooled connection that the server is closing.
 */
export class ApiClient {
  private readonly agent = new Agent({ keepAlive: false });

  constructor(readonly port: number) {}

  async call(method: string, path: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
    const slow = this.begin(method, path, options);
    slow.finish();
    return slow.answer;
  }

  /**
   * Starts a request and sends its headers and the first half of its body; the rest goes with
   * `finish()`. Between the two the request is in flight on the server, whatever happens meanwhile.
   */
  begin(method: string, path: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}) {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const started = Date.now();
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const req = httpRequest({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`)));
    const answer = new Promise<Answer>((resolve, reject) => {
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Date.now() - started });
        });
      });
    });
    // A request abandoned by the test must not surface as an unhandled rejection.
    answer.catch(() => undefined);
    const half = payload ? Math.floor(payload.length / 2) : 0;
    if (payload) req.write(payload.subarray(0, half));
    else req.flushHeaders();
    return {
      answer,
      finish: () => {
        if (payload) req.end(payload.subarray(half));
        else req.end();
      },
    };
  }

  /** Polls until GET /health/ready answers 200. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.call('GET', '/health/ready', { timeoutMs: 2000 }).then(
        (a) => a.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`API on port ${this.port} not ready within ${timeoutMs} ms (last status ${status})`);
      await sleep(200);
    }
  }

  async expect(status: number, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<any> {
    const answer = await this.call(method, path, options);
    if (answer.status !== status) throw new Error(`${method} ${path} answered ${answer.status}, expected ${status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** The admin of the test environment, a buyer organisation and a signed-in buyer in it. */
  async buyer(): Promise<{ adminToken: string; buyerToken: string; organisationId: string }> {
    const login = (email: string, password: string) => this.expect(200, 'POST', '/api/v1/auth/login', { body: { email, password } });
    const adminToken = (await login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD)).accessToken;
    const organisation = await this.expect(201, 'POST', '/api/v1/organisations', { token: adminToken, body: { kind: 'buyer', name: 'Fault buyer' } });
    const email = `buyer-${uniqueSuffix()}@faults.test`;
    const password = 'a-long-fault-test-password';
    await this.expect(201, 'POST', '/api/v1/users', { token: adminToken, body: { email, password, role: 'buyer', organisationId: organisation.id } });
    return { adminToken, buyerToken: (await login(email, password)).accessToken, organisationId: organisation.id };
  }
}

/** A valid need body, made large (long description and many requirements) so its upload takes a moment. */
export function largeNeedBody(tag: string): Record<string, unknown> {
  return needBody({
    title: `In-flight need ${tag}`,
    description: 'Design, build and run an accessible online service. '.repeat(150),
    essentialRequirements: Array.from({ length: 20 }, (_, i) => `Requirement ${i} of the service`),
  });
}
