import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { testEnvironment } from './test-env';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Loads TypeScript sources in the child the way ts-jest does here (file by file, CommonJS, decorators and
 * their metadata), so the worker runs from src/ without a build step.
 */
const TS_REGISTER = `
const ts = require('typescript');
const fs = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2023,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  });
  module._compile(outputText, filename);
};
require(process.argv[1]);
`;

/** Queue timing for specs that kill a worker: a dead worker's lock expires after 1.5 s and is noticed within half a second. */
export const FAST_STALL_DETECTION = {
  QUEUE_LOCK_DURATION_MS: '1500',
  QUEUE_STALLED_INTERVAL_MS: '500',
};

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything the worker wrote, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `src/worker.ts` (queue consumers only) as a separate OS process on this run's database and Redis. */
export function startWorkerProcess(overrides: Record<string, string | undefined> = {}): WorkerProcess {
  const localNode = path.join(ROOT, 'node_modules', '.bin', 'node');
  const node = existsSync(localNode) ? localNode : process.execPath;
  const env = { PATH: process.env.PATH, ...testEnvironment(overrides) } as NodeJS.ProcessEnv;
  const child = spawn(node, ['-e', TS_REGISTER, path.join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
