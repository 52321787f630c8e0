import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ADMIN_SESSION_COOKIE, ADMIN_SESSION_TTL_SECONDS, AdminAccess } from '../auth/admin-access';
import { UnauthorizedError } from '../common/errors';
import { EngineExceptionFilter } from '../common/exception.filter';

/** Where the dashboard is mounted, and its sign-in page (served by the gate itself, before any credential). */
export const QUEUE_DASHBOARD_PATH = '/queues';
export const QUEUE_DASHBOARD_LOGIN_PATH = `${QUEUE_DASHBOARD_PATH}/login`;

/** A page with no script: a password field posting to itself, so the token never sits in a URL or a history entry. */
const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Creative Engine queues: sign in</title></head>
<body><form method="post" action="${QUEUE_DASHBOARD_LOGIN_PATH}">
<label>ADMIN_TOKEN or an admin JWT <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Open the queue dashboard</button></form></body></html>`;

/**
 * The gate in front of Bull Board (docs/ARCHITECTURE.md §9). Bull Board's page, assets and JSON API are
 * fetched by the browser without an Authorization header, so an administrator signs in once at
 * /queues/login (the token in a form body) and gets a session cookie: HttpOnly, SameSite=Strict (another site
 * cannot make the browser use it, so its retry and clean calls cannot be forged), limited to /queues, for
 * one hour. Scripts and proxies may send the bearer token on every request instead.
 */
export function adminGate(access: AdminAccess): RequestHandler {
  const errors = new EngineExceptionFilter();
  return (request: Request, response: Response, next: NextFunction) => {
    try {
      if (request.originalUrl.split('?')[0] === QUEUE_DASHBOARD_LOGIN_PATH) return signIn(access, request, response);
      access.assertAdmin(request);
      next();
    } catch (error) {
      errors.respond(error, request, response);
    }
  };
}

function signIn(access: AdminAccess, request: Request, response: Response): void {
  response.setHeader('Cache-Control', 'no-store');
  if (request.method !== 'POST') {
    response.setHeader('Content-Security-Policy', "default-src 'none'; form-action 'self'");
    response.type('html').send(LOGIN_PAGE);
    return;
  }
  const token = (request.body as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string' || token.length === 0) throw new UnauthorizedError('Send the admin token as `token`');
  access.assertAdminToken(token);
  response.cookie(ADMIN_SESSION_COOKIE, access.openSession(), {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.secure,
    path: QUEUE_DASHBOARD_PATH,
    maxAge: ADMIN_SESSION_TTL_SECONDS * 1000,
  });
  response.redirect(303, `${QUEUE_DASHBOARD_PATH}/`);
}
