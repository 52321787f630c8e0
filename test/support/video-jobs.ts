import type TestAgent from 'supertest/lib/agent';
import { BASE, bearer } from './app';
import { type JobStatusBody, waitFor } from './image-jobs';

/** POST /video/generate, expecting 202; returns the job id (its statusUrl is checked to be /jobs/:jobId). */
export async function startVideoJob(
  http: TestAgent,
  userId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await http.post(`${BASE}/video/generate`).set(bearer(userId)).set(headers).send(body);
  if (response.status !== 202)
    throw new Error(`video/generate answered ${response.status}: ${JSON.stringify(response.body)}`);
  const jobId = response.body.jobId as string;
  if (response.body.statusUrl !== `${BASE}/jobs/${jobId}`) throw new Error(`statusUrl ${response.body.statusUrl}`);
  return jobId;
}

export async function getJob(http: TestAgent, userId: string, jobId: string): Promise<JobStatusBody> {
  return (await http.get(`${BASE}/jobs/${jobId}`).set(bearer(userId)).expect(200)).body as JobStatusBody;
}

/** Polls GET /jobs/:jobId until the job reaches one of `statuses`. */
export function waitForJob(
  http: TestAgent,
  userId: string,
  jobId: string,
  statuses: string[] = ['completed', 'failed', 'cancelled'],
  timeoutMs = 30_000,
): Promise<JobStatusBody> {
  return waitFor(
    async () => {
      const job = await getJob(http, userId, jobId);
      return statuses.includes(job.status) ? job : undefined;
    },
    `job ${jobId} to become ${statuses.join('/')}`,
    timeoutMs,
  );
}
