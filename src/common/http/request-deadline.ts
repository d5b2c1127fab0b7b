import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from 'src/common/http/problem-details';
import { withRouteConfig } from 'src/common/http/route-config';

const NO_DEADLINE = 'noRequestDeadline';
const DEADLINE_TIMER = Symbol('requestDeadlineTimer');

type WithDeadline = FastifyRequest & { [DEADLINE_TIMER]?: NodeJS.Timeout };

/** For routes that legitimately run long (streamed imports): no request deadline. */
export const NoRequestDeadline = () => withRouteConfig({ [NO_DEADLINE]: true });

/**
 * Answers 503 when a request has not been answered within `timeoutMs`. A dependency that accepts
 * connections but answers nothing (a frozen database, a partitioned network) would otherwise hold
 * the client until the kernel gives up, many minutes later. The work itself is not cancelled: like
 * any request cut off mid-flight, its transaction commits or rolls back on its own, and its late
 * answer is dropped.
 *
 * Fastify hooks rather than a Nest interceptor: every interceptor costs each request of the API
 * (RxJS and async-context wrapping) about as much as the rest of a cached read.
 */
export function registerRequestDeadline(fastify: FastifyInstance, timeoutMs: number): void {
  fastify.addHook('onRequest', (request: WithDeadline, reply, done) => {
    if (request.routeOptions.config?.[NO_DEADLINE as keyof typeof request.routeOptions.config]) return done();
    request[DEADLINE_TIMER] = setTimeout(() => answerTimeout(request, reply), timeoutMs);
    done();
  });
  fastify.addHook('onResponse', (request: WithDeadline, _reply, done) => {
    clearTimeout(request[DEADLINE_TIMER]);
    done();
  });
  fastify.addHook('onRequestAbort', (request: WithDeadline, done) => {
    clearTimeout(request[DEADLINE_TIMER]);
    done();
  });
}

function answerTimeout(request: FastifyRequest, reply: FastifyReply): void {
  // Not request.raw.destroyed: a request's stream is destroyed as soon as its body has been read.
  if (reply.sent || reply.raw.destroyed) return;
  const body = { ...problem(503, 'SERVICE.TIMEOUT', 'The service could not answer in time; try again shortly.'), requestId: String(request.id) };
  void reply.status(503).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}
