import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../common/errors';
import type { EngineConfig } from '../config/engine-config';

/** The claims the engine reads from a verified token. */
export interface VerifiedClaims {
  sub: string;
  /** From `roles` (an array) or `role` (one string); `admin` opens the queue dashboard. */
  roles: string[];
}

/** The bearer token of an Authorization header, if it has one. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

function rolesOf(payload: jwt.JwtPayload): string[] {
  const { roles, role } = payload as { roles?: unknown; role?: unknown };
  const listed = Array.isArray(roles) ? roles : [];
  return [...listed, role].filter((value): value is string => typeof value === 'string');
}

/**
 * Verifies an HS256 token with AUTH_JWT_SECRET (the algorithm is pinned, so `alg: none` and RS/ES tokens
 * are refused) and AUTH_JWT_ISSUER/AUDIENCE when set; UnauthorizedError saying why otherwise.
 */
export function verifyJwt(token: string, auth: EngineConfig['auth']): VerifiedClaims {
  if (auth.jwtSecret === undefined)
    throw new UnauthorizedError('Tokens are not accepted here (AUTH_JWT_SECRET is not set)');
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, auth.jwtSecret, {
      algorithms: ['HS256'],
      issuer: auth.jwtIssuer,
      audience: auth.jwtAudience,
    });
  } catch (error) {
    throw new UnauthorizedError(
      error instanceof jwt.TokenExpiredError ? 'The token has expired' : 'The token is invalid',
    );
  }
  if (typeof payload !== 'object' || typeof payload.sub !== 'string') {
    throw new UnauthorizedError('The token has no subject (sub)');
  }
  return { sub: payload.sub, roles: rolesOf(payload) };
}
