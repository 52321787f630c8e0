import { Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import type { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { sameSecret } from '../common/secrets';
import { bearerTokenOf, verifyJwt } from './jwt-claims';

/** The role claim that makes a JWT an administrator's. */
export const ADMIN_ROLE = 'admin';

/** The cookie of a dashboard session opened by POST /queues/login (a browser cannot send a bearer token). */
export const ADMIN_SESSION_COOKIE = 'ce_admin_session';
export const ADMIN_SESSION_TTL_SECONDS = 3600;

/**
 * Who may operate the queues (docs/ARCHITECTURE.md §9): the bearer ADMIN_TOKEN, a JWT with the `admin` role
 * claim, or a dashboard session cookie that one of those opened. Missing or invalid credentials are a 401;
 * a valid JWT without the role is a 403.
 */
@Injectable()
export class AdminAccess {
  private readonly sessionKey: Buffer;

  constructor(private readonly config: EngineConfig) {
    // Changing ADMIN_TOKEN or AUTH_JWT_SECRET ends every open session.
    this.sessionKey = createHash('sha256')
      .update(`creative-engine/admin-session\0${config.operations.adminToken ?? ''}\0${config.auth.jwtSecret ?? ''}`)
      .digest();
  }

  /** Throws UnauthorizedError or ForbiddenError unless the request carries an administrator's credentials. */
  assertAdmin(request: Request): void {
    const token = bearerTokenOf(request.header('authorization'));
    if (token !== undefined) return this.assertAdminToken(token);
    if (this.isValidSession(sessionCookieOf(request))) return;
    throw new UnauthorizedError('Administrators only: send Authorization: Bearer <ADMIN_TOKEN or admin JWT>');
  }

  /** Throws unless `token` is ADMIN_TOKEN or a valid JWT carrying the admin role. */
  assertAdminToken(token: string): void {
    const { adminToken } = this.config.operations;
    if (adminToken !== undefined && sameSecret(token, adminToken)) return;
    const claims = verifyJwt(token, this.config.auth);
    if (!claims.roles.includes(ADMIN_ROLE))
      throw new ForbiddenError('Administrators only: the token has no admin role');
  }

  /** A session cookie's value: its expiry and a MAC of it. */
  openSession(now = Date.now()): string {
    const expires = now + ADMIN_SESSION_TTL_SECONDS * 1000;
    return `${expires}.${this.mac(expires)}`;
  }

  private isValidSession(value: string | undefined, now = Date.now()): boolean {
    const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
    if (!match) return false;
    const expires = Number(match[1]);
    return expires > now && sameSecret(match[2], this.mac(expires));
  }

  private mac(expires: number): string {
    return createHmac('sha256', this.sessionKey).update(`admin-session:${expires}`).digest('base64url');
  }
}

function sessionCookieOf(request: Request): string | undefined {
  const cookies = request.header('cookie') ?? '';
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === ADMIN_SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
