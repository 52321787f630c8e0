import { ProviderError } from '../common/errors';
import type { GenerationJob } from '../generated/prisma/client';
import type { GenerationJobsRepository } from './generation-jobs.repository';

/** Work a provider does remotely, started by one create call that answers its id (a video, a creative upscale). */
export interface ProviderWork {
  provider: string;
  /** What is made, for messages: "video", "upscale". */
  what: string;
  /** Whether creating it twice costs nothing (the placeholder's local work). */
  repeatable: boolean;
  create(): Promise<string>;
  /** Gives up the provider's copy where it can (a cancelled job's). */
  discard(id: string): Promise<void>;
}

/**
 * The one create call of a job whose work runs at the provider (docs/ARCHITECTURE.md §4): recorded as sent
 * before it goes out, its id recorded on the job as soon as it comes back and before any poll, so a restarted
 * worker resumes polling that id instead of paying again. An earlier attempt that sent the create but recorded
 * no id fails the job rather than risk a second, billed, piece of work. A refusal (an error answer) is withdrawn
 * so the retry may ask again; a call that got no answer is not, since the work may exist. Null when the job
 * stopped being this attempt's (cancelled).
 */
export async function createProviderWorkOnce(
  jobs: Pick<GenerationJobsRepository, 'recordProviderRequest' | 'withdrawProviderRequest' | 'recordProviderJobId'>,
  job: GenerationJob,
  work: ProviderWork,
): Promise<string | null> {
  if (job.providerRequestedAt !== null && !work.repeatable) {
    throw new ProviderError(
      `An earlier attempt asked ${work.provider} to create this ${work.what} at ${job.providerRequestedAt.toISOString()} and ` +
        'stopped before recording its id; it is not created a second time (the provider may bill for both)',
      false,
      { provider: work.provider },
    );
  }
  if (!(await jobs.recordProviderRequest(job.id, job.attempts))) return null;
  let id: string;
  try {
    id = await work.create();
  } catch (error) {
    if (error instanceof ProviderError && error.refused) await jobs.withdrawProviderRequest(job.id, job.attempts);
    throw error;
  }
  if (await jobs.recordProviderJobId(job.id, job.attempts, id)) return id;
  await work.discard(id);
  return null;
}
