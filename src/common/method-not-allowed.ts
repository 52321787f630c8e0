import type { NextFunction, Request, Response } from 'express';
import { API_BASE_PATH } from './api-path';
import { MethodNotAllowedError } from './errors';
import { EngineExceptionFilter } from './exception.filter';

/** The parts of an Express 5 router layer this reads (router's Layer and Route, stable across 5.x). */
interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  match(path: string): unknown;
}

interface ExpressLike {
  router?: { stack?: RouterLayer[] };
  use(handler: (req: Request, res: Response, next: NextFunction) => void): unknown;
}

/** The engine's own paths (under any global prefix): its API, /health and /metrics. Host routes are left alone. */
const ENGINE_PATH = new RegExp(`(^|/)(${API_BASE_PATH.replace(/\//g, '\\/')}(/|$)|health$|metrics$)`);

export interface RouteMethods {
  /** Whether the route's path template (e.g. /api/creative/asset/:id) matches a concrete path. */
  matches(path: string): boolean;
  /** Upper-case methods, HEAD included wherever GET is (Express answers HEAD with the GET route). */
  methods: string[];
}

/** The engine routes registered on an Express app, each with its path matcher and methods. */
export function engineRouteTable(app: ExpressLike): RouteMethods[] {
  return (app.router?.stack ?? [])
    .filter((layer) => layer.route && typeof layer.route.path === 'string' && ENGINE_PATH.test(layer.route.path))
    .map((layer) => {
      // `_all` marks app.all() layers (Nest mounts some middleware so): they answer no method of their own.
      const methods = Object.keys(layer.route!.methods)
        .filter((method) => method !== '_all')
        .map((method) => method.toUpperCase());
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      return { matches: (path: string) => Boolean(layer.match(path)), methods };
    })
    .filter((route) => route.methods.length > 0);
}

/** Methods served at `path` by any route of the table, in a stable order (RFC 9110 Allow). */
export function allowedMethods(table: readonly RouteMethods[], path: string): string[] {
  const allowed = new Set(table.filter((route) => route.matches(path)).flatMap((route) => route.methods));
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  return [...allowed].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

/**
 * Appends the handler that runs for requests no route answered, before Nest's 404: a known engine path
 * with another method is a 405 METHOD_NOT_ALLOWED with an Allow header (RFC 9110 §15.5.6) in the
 * contract's error shape, and OPTIONS on it a 204 with Allow. Anything else goes on to the 404.
 * Call it once every route is registered and before the not-found handler: from onModuleInit.
 * Adapters other than Express are left as they are.
 */
export function installMethodNotAllowed(app: unknown): void {
  const express = app as ExpressLike | undefined;
  if (!express || typeof express.use !== 'function' || !Array.isArray(express.router?.stack)) return;
  const table = engineRouteTable(express);
  const filter = new EngineExceptionFilter();
  express.use(function engineMethodNotAllowed(req: Request, res: Response, next: NextFunction) {
    const path = req.originalUrl.split(/[?#]/)[0];
    const allowed = allowedMethods(table, path);
    if (allowed.length === 0 || allowed.includes(req.method) || res.headersSent) return next();
    res.setHeader('Allow', allowed.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    filter.respond(new MethodNotAllowedError(req.method, path, allowed), req, res);
  });
}
