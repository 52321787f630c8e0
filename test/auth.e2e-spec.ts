import { Logger } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { createTestApp, TestApp, tokenFor } from './support/app';
import { TEST_JWT_SECRET } from './support/test-env';

const ME = '/api/creative/me';

function expectUnauthorized(body: unknown): void {
  expect(body).toEqual({ success: false, statusCode: 401, error: 'UNAUTHORIZED', message: expect.any(String) });
}

function unsignedToken(payload: object): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

describe('auth: JWT mode (default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('accepts a valid HS256 token and resolves the user from sub', async () => {
    const res = await t.http
      .get(ME)
      .set('Authorization', `Bearer ${tokenFor('alice')}`)
      .expect(200);
    expect(res.body).toEqual({ userId: 'alice' });
  });

  const rejected: [string, () => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['a non-bearer scheme', () => ({ Authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` })],
    ['a malformed token', () => ({ Authorization: 'Bearer not.a.jwt' })],
    ['an empty bearer', () => ({ Authorization: 'Bearer ' })],
    [
      'an expired token',
      () => ({
        Authorization: `Bearer ${jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET)}`,
      }),
    ],
    [
      'an unsigned token (alg: none)',
      () => ({ Authorization: `Bearer ${unsignedToken({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 600 })}` }),
    ],
    [
      'a token signed with another secret',
      () => ({ Authorization: `Bearer ${tokenFor('alice', {}, 'another-secret-another-secret-0000')}` }),
    ],
    [
      'a token signed with another algorithm (HS512)',
      () => ({ Authorization: `Bearer ${tokenFor('alice', { algorithm: 'HS512' })}` }),
    ],
    [
      'a token without sub',
      () => ({ Authorization: `Bearer ${jwt.sign({ name: 'alice' }, TEST_JWT_SECRET, { algorithm: 'HS256' })}` }),
    ],
    ['a token whose sub is not a usable id', () => ({ Authorization: `Bearer ${tokenFor('alice/../../etc')}` })],
    ['a token not yet valid (nbf)', () => ({ Authorization: `Bearer ${tokenFor('alice', { notBefore: '1h' })}` })],
  ];

  it.each(rejected)('answers 401 in the error shape for %s', async (_case, headers) => {
    const res = await t.http.get(ME).set(headers()).expect(401);
    expectUnauthorized(res.body);
  });

  it('says why an expired token was refused', async () => {
    const expired = jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET);
    const res = await t.http.get(ME).set('Authorization', `Bearer ${expired}`).expect(401);
    expect(res.body.message).toBe('The token has expired');
  });
});

describe('auth: issuer and audience checks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ AUTH_JWT_ISSUER: 'https://id.example.com', AUTH_JWT_AUDIENCE: 'creative-engine' });
  });
  afterAll(() => t.close());

  it('accepts the configured issuer and audience', async () => {
    const token = tokenFor('bob', { issuer: 'https://id.example.com', audience: 'creative-engine' });
    await t.http.get(ME).set('Authorization', `Bearer ${token}`).expect(200);
  });

  it.each([
    ['a missing issuer', { audience: 'creative-engine' }],
    ['another issuer', { issuer: 'https://evil.example.com', audience: 'creative-engine' }],
    ['another audience', { issuer: 'https://id.example.com', audience: 'someone-else' }],
  ])('refuses %s with 401', async (_case, options) => {
    const res = await t.http
      .get(ME)
      .set('Authorization', `Bearer ${tokenFor('bob', options)}`)
      .expect(401);
    expectUnauthorized(res.body);
  });
});

describe('auth: AUTH_MODE=header (behind an authenticating gateway)', () => {
  let t: TestApp;
  let warnings: string[];
  beforeAll(async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    t = await createTestApp({
      AUTH_MODE: 'header',
      AUTH_JWT_SECRET: undefined,
      SIGNED_URL_SECRET: 'a-signing-key-of-at-least-32-chars',
    });
    warnings = warn.mock.calls.map(([message]) => String(message));
    warn.mockRestore();
  });
  afterAll(() => t.close());

  it('says once at start-up that X-User-Id is trusted', () => {
    expect(warnings.filter((message) => message.startsWith('AUTH_MODE=header'))).toHaveLength(1);
  });

  it('trusts X-User-Id', async () => {
    const res = await t.http.get(ME).set('X-User-Id', 'gateway-user-7').expect(200);
    expect(res.body).toEqual({ userId: 'gateway-user-7' });
  });

  it.each([
    ['without the header', {}],
    ['with an empty header', { 'X-User-Id': '' }],
    ['with characters an id cannot hold', { 'X-User-Id': 'a b<script>' }],
    ['with a bearer token only', { Authorization: `Bearer ${tokenFor('alice')}` }],
  ])('answers 401 %s', async (_case, headers: Record<string, string>) => {
    const res = await t.http.get(ME).set(headers).expect(401);
    expectUnauthorized(res.body);
  });
});
