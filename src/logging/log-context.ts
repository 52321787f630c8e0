import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written while running a queued job carries (the logger's mixin reads them). */
export interface JobLogContext {
  jobId: string;
  jobKind: string;
}

/** The field every log line written while handling an HTTP request carries. */
export interface RequestLogContext {
  reqId: string;
}

export type LogContext = JobLogContext | RequestLogContext;

const logContext = new AsyncLocalStorage<LogContext>();

/** Runs `work` so that every log line it writes, however deep, names the job. */
export function runWithJobLogContext<T>(context: JobLogContext, work: () => Promise<T>): Promise<T> {
  return logContext.run(context, work);
}

/** Runs the rest of a request's handling (`next`) so that every log line it writes names the request. */
export function runWithRequestLogContext(context: RequestLogContext, next: () => void): void {
  logContext.run(context, next);
}

/** The job or request being handled by the current async call chain, if any. */
export function currentLogContext(): LogContext | undefined {
  return logContext.getStore();
}
