import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written while running a queued job carries (the logger's mixin reads them). */
export interface JobLogContext {
  jobId: string;
  jobKind: string;
}

const jobContext = new AsyncLocalStorage<JobLogContext>();

/** Runs `work` so that every log line it writes, however deep, names the job. */
export function runWithJobLogContext<T>(context: JobLogContext, work: () => Promise<T>): Promise<T> {
  return jobContext.run(context, work);
}

/** The job being run by the current async call chain, if any. */
export function currentJobLogContext(): JobLogContext | undefined {
  return jobContext.getStore();
}
