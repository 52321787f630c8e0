import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type TestAgent from 'supertest/lib/agent';
import { bearer } from './app';
import type { FakeProvider, FakeRoute } from './fake-provider';

/**
 * Polls `probe` until it returns a value (not undefined), failing after `timeoutMs`. A function for `what` is
 * read only then, so the message can say what happened meanwhile (a worker's output).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string | (() => string),
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Milliseconds between the first call to `route` and the retry that follows it (a job's second attempt). */
export async function retryGapMs(fake: Pick<FakeProvider, 'requestsTo'>, route: FakeRoute): Promise<number> {
  // The fake's own arrival times: when this process is busy, noticing a request can lag behind it.
  const [first, second] = await waitFor(() => {
    const calls = fake.requestsTo(route);
    return calls.length >= 2 ? calls : undefined;
  }, 'the first request and its retry');
  return second.receivedAt - first.receivedAt;
}

export interface JobStatusBody {
  jobId: string;
  status: string;
  progress: number;
  currentStep: number | null;
  totalSteps: number | null;
  errorMessage: string | null;
  attempts: number;
  cost: number | null;
  resultUrl: string | null;
  thumbnailUrl: string | null;
  estimatedTime: number | null;
  actualTime: number | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asset bodies are read loosely by many specs
  assets: Array<Record<string, any>>;
  [key: string]: unknown;
}

export async function jobStatus(http: TestAgent, userId: string, jobId: string): Promise<JobStatusBody> {
  const response = await http.get(`/api/creative/image/${jobId}/status`).set(bearer(userId)).expect(200);
  return response.body as JobStatusBody;
}

/** Polls GET /image/:jobId/status until the job reaches one of `statuses`. */
export function waitForJobStatus(
  http: TestAgent,
  userId: string,
  jobId: string,
  statuses: string[] = ['completed', 'failed', 'cancelled'],
  timeoutMs = 20_000,
): Promise<JobStatusBody> {
  return waitFor(
    async () => {
      const body = await jobStatus(http, userId, jobId);
      return statuses.includes(body.status) ? body : undefined;
    },
    `job ${jobId} to become ${statuses.join('/')}`,
    timeoutMs,
  );
}

/** POST /image/generate, expecting 202; returns the job id. */
export async function startImageJob(
  http: TestAgent,
  userId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await http.post('/api/creative/image/generate').set(bearer(userId)).set(headers).send(body);
  if (response.status !== 202)
    throw new Error(`generate answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.jobId as string;
}

/** Every file under the storage folder, so a test can prove exactly what a job left behind. */
export async function storedFiles(storageDir: string): Promise<string[]> {
  const entries = await readdir(storageDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
