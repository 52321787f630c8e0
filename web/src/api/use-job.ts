import { useCallback, useEffect, useState } from 'react';
import { api, call, type JobStatus } from './client';
import { FINAL_EVENTS, followJob, type PartialImage } from './job-events';

export interface FollowedJob {
  /** The job as its last event told, undefined until the first. */
  job: JobStatus | undefined;
  /** The latest partial image while the job runs; none once it ended (the server deletes them then). */
  preview: PartialImage | undefined;
  error: string;
  cancel: () => Promise<void>;
}

/**
 * Follows a job's event stream from its first state to its end. `onCompleted` runs once with the completed
 * job (the job page and the asset page open the result from there).
 */
export function useJob(jobId: string | undefined, onCompleted?: (job: JobStatus) => void): FollowedJob {
  const [job, setJob] = useState<JobStatus>();
  const [preview, setPreview] = useState<PartialImage>();
  const [error, setError] = useState('');
  useEffect(() => {
    if (!jobId) return;
    const stop = new AbortController();
    followJob(
      jobId,
      (next) => {
        if (next.event === 'partial') {
          setPreview((latest) => (latest && latest.index > next.partial.index ? latest : next.partial));
          return;
        }
        setJob(next.job);
        if (next.event === 'completed') onCompleted?.(next.job);
      },
      stop.signal,
    ).catch((failure: Error) => {
      if (!stop.signal.aborted) setError(failure.message);
    });
    return () => stop.abort();
    // Only a new job is followed anew: onCompleted is read when the job completes, never a reason to restart.
  }, [jobId]);
  const cancel = useCallback(async () => {
    if (!jobId) return;
    try {
      const answer = await call(api.POST('/api/creative/jobs/{jobId}/cancel', { params: { path: { jobId } } }));
      setJob((previous) => (previous ? { ...previous, ...answer.job } : previous));
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [jobId]);
  // An ended job (its last event, or the answer to a cancel) has no preview: the server deleted them.
  const ended = job !== undefined && (FINAL_EVENTS as readonly string[]).includes(job.status);
  return { job, preview: ended ? undefined : preview, error, cancel };
}
