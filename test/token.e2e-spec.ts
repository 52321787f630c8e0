import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { createTestApp, TestApp } from './support/app';
import { TEST_JWT_SECRET } from './support/test-env';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'token.js');
const LOCAL_NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;
const ME = '/api/creative/me';

/** `npm run token -- <args>` as a user runs it: in `cwd` (where .env is looked for), with only `env` set. */
function runToken(args: string[], options: { cwd: string; env?: Record<string, string> }): SpawnSyncReturns<string> {
  return spawnSync(NODE, [SCRIPT, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

function tokenFrom(result: SpawnSyncReturns<string>): string {
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('npm run token', () => {
  let t: TestApp;
  let folder: string;
  let withEnvFile: string;
  let empty: string;

  beforeAll(async () => {
    t = await createTestApp();
    folder = mkdtempSync(path.join(os.tmpdir(), 'ce-token-'));
    withEnvFile = path.join(folder, 'configured');
    empty = path.join(folder, 'empty');
    for (const dir of [withEnvFile, empty]) mkdirSync(dir);
    writeFileSync(
      path.join(withEnvFile, '.env'),
      `# as copied from .env.example\nAUTH_JWT_SECRET=${TEST_JWT_SECRET}\nPORT=4123\nHOST=127.0.0.1\n`,
    );
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await t?.close();
  });

  it('prints on stdout only a token for the user, signed with the secret of ./.env, that the service accepts', async () => {
    const result = runToken(['alice'], { cwd: withEnvFile });
    const token = tokenFrom(result);
    const res = await t.http.get(ME).set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({ userId: 'alice' });
    const claims = jwt.verify(token, TEST_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it('prints the sign-in link for the configured HOST and PORT on stderr', () => {
    const result = runToken(['alice'], { cwd: withEnvFile });
    const token = tokenFrom(result);
    expect(result.stderr.trim()).toBe(`http://127.0.0.1:4123/#token=${token}`);
  });

  it('uses the environment over .env, with the issuer and audience the service checks, and --ttl', async () => {
    const issuerApp = await createTestApp({
      AUTH_JWT_ISSUER: 'https://id.example.com',
      AUTH_JWT_AUDIENCE: 'creative-engine',
    });
    try {
      const env = {
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        AUTH_JWT_ISSUER: 'https://id.example.com',
        AUTH_JWT_AUDIENCE: 'creative-engine',
      };
      for (const [args, seconds] of [
        [['bob', '--ttl', '30m'], 1800],
        [['bob', '--ttl=2d'], 2 * 86400],
        [['bob', '--ttl', '45s'], 45],
      ] as const) {
        const token = tokenFrom(runToken([...args], { cwd: empty, env }));
        const res = await issuerApp.http.get(ME).set('Authorization', `Bearer ${token}`).expect(200);
        expect(res.body).toEqual({ userId: 'bob' });
        const claims = jwt.decode(token) as jwt.JwtPayload;
        expect(claims.exp! - claims.iat!).toBe(seconds);
      }
      // The default link: a wildcard listen address is reached at localhost.
      expect(runToken(['bob'], { cwd: empty, env }).stderr).toContain('http://localhost:3000/#token=');
    } finally {
      await issuerApp.close();
    }
    // The environment wins over .env: a token signed with another secret is refused.
    const other = tokenFrom(
      runToken(['alice'], { cwd: withEnvFile, env: { AUTH_JWT_SECRET: 'another-secret-another-secret-00000' } }),
    );
    await t.http.get(ME).set('Authorization', `Bearer ${other}`).expect(401);
  });

  it.each([
    ['no userId', [], {}, /Missing <userId>/],
    ['a userId the service refuses', ['alice/../etc'], {}, /Invalid userId/],
    ['two userIds', ['alice', 'bob'], {}, /Expected one <userId>/],
    ['a ttl without unit', ['alice', '--ttl', '90'], {}, /Invalid --ttl "90"/],
    ['a ttl of zero', ['alice', '--ttl', '0h'], {}, /Invalid --ttl "0h"/],
    ['a ttl beyond a year', ['alice', '--ttl', '366d'], {}, /at most 365d/],
    ['--ttl without value', ['alice', '--ttl'], {}, /--ttl needs a value/],
    ['an unknown option', ['alice', '--forever'], {}, /Unknown option --forever/],
    ['no secret anywhere', ['alice'], { cwd: 'empty' }, /AUTH_JWT_SECRET is not set/],
    [
      'a secret the service would refuse',
      ['alice'],
      { cwd: 'empty', env: { AUTH_JWT_SECRET: 'short' } },
      /at least 32 characters/,
    ],
    ['AUTH_MODE=header', ['alice'], { cwd: 'empty', env: { AUTH_MODE: 'header' } }, /X-User-Id/],
  ] as [string, string[], { cwd?: 'empty'; env?: Record<string, string> }, RegExp][])(
    'exits 2 with a message and no token for %s',
    (_case, args, options, message) => {
      const result = runToken(args, { cwd: options.cwd === 'empty' ? empty : withEnvFile, env: options.env });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Usage: npm run token -- <userId>');
    },
  );

  it('is the package script `token`, whose silent form prints only the token (TOKEN=$(npm run -s token -- me))', () => {
    const npm = spawnSync('npm', ['run', '-s', 'token', '--', 'me'], {
      cwd: ROOT,
      env: {
        ...process.env,
        AUTH_MODE: 'jwt',
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        AUTH_JWT_ISSUER: '',
        AUTH_JWT_AUDIENCE: '',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: npm.status, stderr: npm.stderr }).toEqual({
      status: 0,
      stderr: expect.stringContaining('#token='),
    });
    expect(jwt.verify(npm.stdout.trim(), TEST_JWT_SECRET, { algorithms: ['HS256'] })).toMatchObject({ sub: 'me' });
  });
});
