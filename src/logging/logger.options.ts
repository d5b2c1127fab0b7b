import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request id: the caller's `x-request-id` when it is a sane token (so a trace crosses services),
 * otherwise a new UUID. Stored on the raw request so Fastify and the logger use the same one.
 */
export function requestIdOf(req: IncomingMessage): string {
  const carried = (req as IncomingMessage & { requestId?: string }).requestId;
  if (carried) return carried;
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
  (req as IncomingMessage & { requestId?: string }).requestId = id;
  return id;
}

export function loggerOptions(config: AppConfig): Params {
  const pretty = config.nodeEnv !== 'production' && process.stdout.isTTY && canResolve('pino-pretty');
  return {
    // Named wildcard: the path syntax Nest 11's router expects (a bare '*' logs a warning).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req) => requestIdOf(req),
      // Secrets never reach the logs: tokens, passwords and webhook secrets are censored.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.passwordHash',
          '*.secret',
          '*.accessToken',
        ],
        censor: '[redacted]',
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
      quietReqLogger: true,
      // One short line per request: headers are noise and may carry secrets.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      transport: pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
  };
}

function canResolve(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
