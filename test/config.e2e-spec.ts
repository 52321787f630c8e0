import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ConfigValidationError, ENGINE_VARIABLES, EnvironmentVariables, loadConfig } from '../src/config/engine-config';
import {
  CONFIG_DOCS_UPDATE_COMMAND,
  renderEnvExample,
  renderReadmeTable,
  replaceReadmeTable,
} from './support/config-docs';
import { testEnvironment } from './support/test-env';

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'a-test-secret-that-is-long-enough-000';

function configError(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration validated at boot', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      auth: { mode: 'jwt', jwtSecret: SECRET },
      worker: { enabled: true },
      storageDir: './storage',
    });
  });

  it('names every missing or invalid variable in one error', () => {
    const error = configError({
      PORT: 'eighty',
      REDIS_URL: 'http://not-redis',
      DATABASE_URL: 'mysql://x',
      WORKER_ENABLED: 'maybe',
      AUTH_MODE: 'jwt',
    });
    const named = ['PORT', 'REDIS_URL', 'DATABASE_URL', 'WORKER_ENABLED', 'AUTH_JWT_SECRET'];
    for (const variable of named) expect(error.message).toContain(variable);
    expect(error.problems.length).toBeGreaterThanOrEqual(named.length);
  });

  it('requires a strong JWT secret only in jwt mode', () => {
    expect(configError({ AUTH_JWT_SECRET: 'short' }).message).toContain(
      'AUTH_JWT_SECRET must be at least 32 characters',
    );
    const headerMode = { AUTH_MODE: 'header', SIGNED_URL_SECRET: 'a-signing-key-of-at-least-32-chars' };
    expect(loadConfig(headerMode).auth.mode).toBe('header');
  });

  it('the service exits non-zero with that message before listening', () => {
    const main = path.join(ROOT, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error('dist/main.js is missing: `npm test` builds it first (pretest)');
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'node'), [main], {
      env: { PATH: process.env.PATH, PORT: '99999', AUTH_MODE: 'jwt', REDIS_URL: 'nope' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const output = result.stdout + result.stderr;
    for (const variable of ['PORT', 'REDIS_URL', 'AUTH_JWT_SECRET']) expect(output).toContain(variable);
    expect(output).not.toContain('Listening on');
  });
});

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the built service stops gracefully on SIGTERM', () => {
  it.each([
    ['the API (dist/main.js)', 'main.js', /Listening on/, 'finishing requests and running jobs'],
    ['a worker (dist/worker.js)', 'worker.js', /Worker started/, 'finishing running jobs'],
  ])(
    '%s logs the signal, then the end of the shutdown, and exits 0',
    async (_name, entry, ready, waitingFor) => {
      const script = path.join(ROOT, 'dist', entry);
      if (!existsSync(script)) throw new Error(`dist/${entry} is missing: \`npm test\` builds it first (pretest)`);
      const port = await freePort();
      const env = testEnvironment({
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'log',
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-shutdown`,
      });
      const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'node'), [script], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${entry} did not start within 30 s:\n${output}`)), 30_000);
          const collect = (chunk: Buffer) => {
            output += chunk.toString();
            if (ready.test(output)) {
              clearTimeout(timer);
              resolve();
            }
          };
          child.stdout.on('data', collect);
          child.stderr.on('data', collect);
          void exited.then(() => reject(new Error(`${entry} exited before it was ready:\n${output}`)));
        });
        if (entry === 'main.js') expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

        child.kill('SIGTERM');
        expect(await exited).toEqual({ code: 0, signal: null });
        const received = output.indexOf(`Received SIGTERM: ${waitingFor}, then exiting`);
        const completed = output.search(/Shutdown complete after \d+ ms; exiting with code 0/);
        expect({ received: received >= 0, completed: completed > received, output }).toEqual({
          received: true,
          completed: true,
          output,
        });
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
    60_000,
  );
});

describe('.env.example', () => {
  const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  const documented = new Map(
    [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [name, value.trim()]),
  );
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;

  it('documents every variable the service reads, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaults).sort());
  });

  it('shows each default as the service applies it', () => {
    for (const [name, value] of Object.entries(defaults)) {
      if (value !== undefined) expect(`${name}=${documented.get(name)}`).toBe(`${name}=${String(value)}`);
    }
  });
});

describe('.env.example and the README are generated from the declarations (src/config/engine-variables.ts)', () => {
  const documents = [
    { file: '.env.example', render: () => renderEnvExample(ENGINE_VARIABLES) },
    {
      file: 'README.md',
      render: (current: string) => replaceReadmeTable(current, renderReadmeTable(ENGINE_VARIABLES)),
    },
  ];

  it.each(documents)(
    `$file lists exactly the declared variables with their defaults and descriptions (${CONFIG_DOCS_UPDATE_COMMAND} regenerates it)`,
    ({ file, render }) => {
      const target = path.join(ROOT, file);
      const current = readFileSync(target, 'utf8');
      const expected = render(current);
      if (process.env.UPDATE_CONFIG_DOCS === '1') writeFileSync(target, expected);
      else expect(current).toBe(expected);
    },
  );

  it('every variable has a one-line description and a group', () => {
    for (const variable of ENGINE_VARIABLES) {
      expect({
        name: variable.name,
        oneLine: variable.description.trim() !== '' && !variable.description.includes('\n'),
      }).toEqual({ name: variable.name, oneLine: true });
    }
  });
});
