import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EngineMetrics } from './engine-metrics';

/** The label of a request no route matched (unknown paths, static files): raw paths never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

/** A catch-all such as Nest's not-found route (`{/*splat}`) matches anything: it names no route. */
const CATCH_ALL = /^\{?\/?\*/;

/**
 * Times every request into creative_engine_http_request_duration_seconds, labelled by the route template
 * Express matched (`/api/creative/asset/:id`), never the path itself. The standalone app installs it in
 * front of every route (src/bootstrap.ts); a host app may `app.use()` it too.
 */
export function httpMetricsMiddleware(metrics: EngineMetrics): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const template = (request.route as { path?: unknown } | undefined)?.path;
      const route =
        typeof template === 'string' && !CATCH_ALL.test(template) ? `${request.baseUrl}${template}` : UNMATCHED_ROUTE;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeHttpRequest(request.method, route, response.statusCode, seconds);
    });
    next();
  };
}
