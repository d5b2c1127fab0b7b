import { Inject, Injectable } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { parseWebhookUrl } from 'src/webhooks/domain/webhook-url';
import { assertPublicAddress, publicOnlyLookup } from 'src/webhooks/webhook-address-guard';

export interface SendOutcome {
  succeeded: boolean;
  /** The subscriber's HTTP status, or null when there was no answer. */
  statusCode: number | null;
  /** Why there was no answer (or why the answer is a failure), or null on success. */
  error: string | null;
  durationMs: number;
}

// We read (and discard) at most this much of a subscriber's answer: its status is all we need.
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_ERROR_LENGTH = 500;

/**
 * POSTs one signed body to a subscriber. Never follows redirects (a 3xx is a failed attempt: a
 * redirect could point anywhere, including inside our network). Unless private targets are allowed,
 * literal addresses are checked here and host names are checked as they are resolved for the
 * connection itself.
 */
@Injectable()
export class WebhookSender {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(rawUrl: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.max(0, Math.round(performance.now() - started));
    const parsed = parseWebhookUrl(rawUrl);
    if (!parsed.ok) return { succeeded: false, statusCode: null, error: parsed.message, durationMs: elapsed() };
    const { target } = parsed;
    const allowPrivate = this.config.webhooksAllowPrivate;
    try {
      if (!allowPrivate && target.literalAddress) assertPublicAddress(target.literalAddress);
      const statusCode = await post(target.href, headers, body, timeoutMs, allowPrivate);
      const succeeded = statusCode >= 200 && statusCode < 300;
      return { succeeded, statusCode, error: succeeded ? null : `answered HTTP ${statusCode}`, durationMs: elapsed() };
    } catch (error) {
      return { succeeded: false, statusCode: null, error: describe(error), durationMs: elapsed() };
    }
  }
}

function post(href: string, headers: Record<string, string>, body: string, timeoutMs: number, allowPrivate: boolean): Promise<number> {
  const url = new URL(href);
  const client = url.protocol === 'https:' ? https : http;
  const payload = Buffer.from(body, 'utf8');
  return new Promise<number>((resolve, reject) => {
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.length) },
      // A fresh connection per attempt: a pooled socket would skip the address check of this attempt.
      agent: false,
      lookup: allowPrivate ? undefined : publicOnlyLookup,
    });
    // One deadline for the whole attempt (DNS, connection, TLS, answer), not just an idle socket.
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      let received = 0;
      const finish = () => {
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
      };
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) {
          response.destroy();
          finish();
        }
      });
      response.on('end', finish);
      response.on('error', finish);
    });
    request.end(payload);
  });
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
