/** Every error leaves as RFC 9457 problem+json; nothing internal leaks to the client. */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem, PROBLEM_BASE, ProblemError, type ProblemCode } from '../problems.js';

const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad-request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-request',
  FST_ERR_VALIDATION: 'bad-request',
};

export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      let body;
      if (err instanceof ProblemError) {
        body = problem(err.code, err.message, err.extensions);
      } else {
        const mapped = (err.code && FASTIFY_CODES[err.code]) ?? (err.statusCode === 400 || err.validation || err instanceof SyntaxError ? 'bad-request' : undefined);
        if (mapped) {
          body = problem(mapped, err.validation ? `${err.validationContext ?? 'request'}${err.validation[0]?.instancePath ?? ''} ${err.validation[0]?.message ?? 'is invalid'}` : err.message.slice(0, 300));
        } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
          body = problem('bad-request', err.message.slice(0, 300));
        } else {
          req.log.error({ err }, 'unhandled error');
          body = problem('internal');
        }
      }
      // Fastify's per-request logs are off (app.ts): a refused request gets one line, so an
      // operator can see why an agent or admin call failed. Path only: a query may carry secrets.
      if (body.status < 500) req.log.info({ method: req.method, path: pathOf(req.url), status: body.status, problem: body.type.slice(PROBLEM_BASE.length), ip: req.ip }, 'request refused');
      void reply.code(body.status).type('application/problem+json').send(body);
    });
    app.setNotFoundHandler((req, reply) => {
      void reply.code(404).type('application/problem+json').send(problem('not-found', `no route for ${req.method} ${pathOf(req.url)}`));
    });
  },
  { name: 'posture-errors' },
);

/** The path of a request URL, without its query, at most 200 characters (for logs and problems). */
export function pathOf(url: string): string {
  return (url.split('?')[0] ?? '').slice(0, 200);
}
