import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';
import { registerRequestDeadline } from 'src/common/http/request-deadline';
import { securityHeaders } from 'src/common/http/security-headers';
import { createValidationPipe } from 'src/common/http/validation.pipe';
import { ReadCache } from 'src/database/read-cache';
import { registerImportBodyParsers } from 'src/imports/import-upload';
import { requestIdOf } from 'src/logging/logger.options';

export const API_PREFIX = 'api/v1';

/**
 * Options for NestFactory.create / createNestApplication. Nest's own body parsers are off: the JSON
 * parser is registered in configureApp (it must accept an empty body on action routes).
 */
export const NEST_APP_OPTIONS = { bodyParser: false, bufferLogs: true } as const;

/** The HTTP adapter with the body limit and request ids; shared by main.ts and the e2e tests. */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Behind a load balancer the client's address comes from X-Forwarded-For (rate limits use it).
    trustProxy: true,
    // Nothing in the API needs `__proto__` or `constructor` keys: refuse them at the parser.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
}

/** Prefix, validation, errors, security headers, OpenAPI and shutdown hooks, in one place. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  // Exit 0 after a clean shutdown rather than re-raising the signal (orchestrators read it as a crash).
  app.enableShutdownHooks([], { useProcessExit: true });
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });

  const fastify = app.getHttpAdapter().getInstance();
  // Action routes (publish, close…) take no body; clients that still send `content-type:
  // application/json` with an empty body get {} rather than a 400. Everything else goes through
  // Fastify's own parser, which keeps refusing `__proto__` and `constructor` keys.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    return parseJson(request, text, done);
  });
  // The import routes alone take JSON Lines, CSV and OCDS packages, streamed, up to importBodyLimitBytes.
  registerImportBodyParsers(fastify, config);
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  registerRequestDeadline(fastify, config.requestTimeoutMs);
  // Read your writes: whatever a write changed, this process's cached answers are dropped before the
  // client hears the write is done (PostgreSQL's notification, which tells the other processes,
  // arrives a few milliseconds later).
  const readCache = app.get(ReadCache);
  fastify.addHook('onSend', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS') readCache.invalidateAll();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Procurement Match API')
      .setDescription(
        'Buyers post outcome-based procurement needs tied to the UK digital government roadmap; suppliers register ' +
          'their capabilities once; workers score and explain every match; contracts pay for outcomes. ' +
          'Errors are application/problem+json with a stable `code` and per-field `errors`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
