import type { GenerationJob } from '../generated/prisma/client';
import type { JobKind } from '../queue/queue.constants';
import type { CompletedJob, JobStep } from './generation-jobs.repository';

/** What one attempt of a queued job came to (Bull's return value of the job). */
export type RunOutcome = 'completed' | 'cancelled' | 'skipped';

/** How a handler's run ended: completed (the job as its completing statement left it) or cancelled on the way. */
export type HandlerResult = { status: 'completed'; job: CompletedJob } | { status: 'cancelled' };

export const CANCELLED: HandlerResult = { status: 'cancelled' };

/** A handler's result from its completion: the completed job, or null when it was no longer the attempt's. */
export const completionResult = (job: CompletedJob | null): HandlerResult =>
  job ? { status: 'completed', job } : CANCELLED;

/** Runs claimed jobs of one kind; GenerationJobProcessor claims them and records failures. */
export interface JobHandler {
  /** The step a claimed job starts at, and how many steps its progress counts. */
  readonly firstStep: JobStep;
  readonly totalSteps: number;
  /**
   * Runs the job to its end through the repository's transitions: cancelled when it stopped being
   * processing on the way (and nothing was stored). Throws when the attempt failed; a ProviderError says
   * whether it is worth retrying.
   */
  run(job: GenerationJob): Promise<HandlerResult>;
}

export type JobHandlers = Readonly<Record<JobKind, JobHandler>>;

/** Injection token of the JobHandlers the processor dispatches to. */
export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
