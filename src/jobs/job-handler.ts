import type { GenerationJob } from '../generated/prisma/client';
import type { JobKind } from '../queue/queue.constants';
import type { JobStep } from './generation-jobs.repository';

/** What one attempt of a queued job came to (Bull's return value of the job). */
export type RunOutcome = 'completed' | 'cancelled' | 'skipped';

/** Runs claimed jobs of one kind; GenerationJobProcessor claims them and records failures. */
export interface JobHandler {
  /** The step a claimed job starts at, and how many steps its progress counts. */
  readonly firstStep: JobStep;
  readonly totalSteps: number;
  /**
   * Runs the job to its end through the repository's transitions: 'cancelled' when it stopped being
   * processing on the way (and nothing was stored). Throws when the attempt failed; a ProviderError says
   * whether it is worth retrying.
   */
  run(job: GenerationJob): Promise<Exclude<RunOutcome, 'skipped'>>;
}

export type JobHandlers = Readonly<Record<JobKind, JobHandler>>;

/** Injection token of the JobHandlers the processor dispatches to. */
export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
