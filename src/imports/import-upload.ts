import type { Readable } from 'node:stream';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { withRouteConfig } from 'src/common/http/route-config';
import { errorCodes, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { AppConfig } from 'src/config/app-config';
import { DomainError } from 'src/common/errors/domain-error';

export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';
export const CSV_MEDIA_TYPE = 'text/csv';
export const JSON_MEDIA_TYPE = 'application/json';
export const IMPORT_MEDIA_TYPES = [NDJSON_MEDIA_TYPE, CSV_MEDIA_TYPE, JSON_MEDIA_TYPE] as const;
export type ImportMediaType = (typeof IMPORT_MEDIA_TYPES)[number];

// Fastify chooses a body parser by content type for the whole server, and the API's JSON parser
// reads at most 1 MB into memory. On import routes a JSON body (an OCDS release package) is
// relabelled with this private type before parsing, so that it reaches the handler as a raw stream
// like JSON Lines and CSV do. No client sends it; elsewhere it answers 415 like any unknown type.
const PACKAGE_LABEL = 'application/x-procurement-match-import+json';

const ROUTE_CONFIG_KEY = 'streamedImport';
// Where the media type the client sent is kept once the body is relabelled.
const ORIGINAL_TYPE = Symbol('importMediaType');

/** Marks a route as an import: its body arrives as an {@link ImportUpload} of up to importBodyLimitBytes. */
export const ImportRoute = () => withRouteConfig({ [ROUTE_CONFIG_KEY]: true });

/** An upload on its way in: the raw body stream, never buffered whole. */
export class ImportUpload {
  constructor(
    readonly stream: Readable,
    readonly mediaType: ImportMediaType,
    /** From Content-Length; null when the body is chunked. */
    readonly declaredBytes: number | null,
  ) {}

  // The idempotency interceptor hashes request bodies as JSON: describe the upload, not the socket.
  toJSON(): Record<string, unknown> {
    return { upload: this.mediaType, bytes: this.declaredBytes };
  }
}

/** The handler's view of the upload (undefined when the request had no body). */
export const UploadBody = createParamDecorator((_data: unknown, context: ExecutionContext): ImportUpload | undefined => {
  const body = context.switchToHttp().getRequest<FastifyRequest>().body;
  return body instanceof ImportUpload ? body : undefined;
});

/**
 * Lets the import routes take JSON Lines, CSV and OCDS packages as streams of up to
 * `importBodyLimitBytes`, while every other route keeps the 1 MB JSON parser and its behaviour
 * (JSON Lines or CSV sent elsewhere answer 415, as before). Call before the routes are registered.
 */
export function registerImportBodyParsers(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (!isImportRoute(route.config)) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...existing, labelImportBody];
  });
  fastify.addContentTypeParser([NDJSON_MEDIA_TYPE, CSV_MEDIA_TYPE, PACKAGE_LABEL], (request, payload, done) => {
    if (!isImportRoute(request.routeOptions.config)) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
      return;
    }
    const declared = request.headers['content-length'] === undefined ? null : Number(request.headers['content-length']);
    if (declared !== null && declared > config.importBodyLimitBytes) {
      // Refused before a byte is read; Fastify closes the connection behind the answer.
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
      return;
    }
    const mediaType = (request as FastifyRequest & { [ORIGINAL_TYPE]?: ImportMediaType })[ORIGINAL_TYPE] ?? NDJSON_MEDIA_TYPE;
    done(null, new ImportUpload(payload as Readable, mediaType, Number.isFinite(declared) ? declared : null));
  });
}

// Runs on import routes only, before the body is parsed: checks the media type and its charset, and
// relabels JSON (see PACKAGE_LABEL). A body of any other type is refused here, naming the types
// the import routes read, where Fastify would say only that JSON was expected.
function labelImportBody(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const header = request.headers['content-type'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (header === undefined) {
    done(hasBody ? unsupportedMediaType() : undefined);
    return;
  }
  const [rawType, ...parameters] = header.split(';');
  const mediaType = rawType.trim().toLowerCase();
  const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  if (!(IMPORT_MEDIA_TYPES as readonly string[]).includes(mediaType) || (charset !== undefined && !/^charset="?utf-8"?$/.test(charset))) {
    done(unsupportedMediaType());
    return;
  }
  (request as FastifyRequest & { [ORIGINAL_TYPE]?: ImportMediaType })[ORIGINAL_TYPE] = mediaType as ImportMediaType;
  request.headers['content-type'] = mediaType === JSON_MEDIA_TYPE ? PACKAGE_LABEL : mediaType;
  done();
}

function unsupportedMediaType(): DomainError {
  return new DomainError('unsupported_media_type', 'IMPORT.UNSUPPORTED_MEDIA_TYPE', `Send the file as the body, in UTF-8, with Content-Type ${IMPORT_MEDIA_TYPES.join(', ')}.`, [
    { field: 'Content-Type', message: `must be one of ${IMPORT_MEDIA_TYPES.join(', ')} (UTF-8)` },
  ]);
}

function isImportRoute(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as Record<string, unknown>)[ROUTE_CONFIG_KEY] === true;
}
