import type { Job } from '../api/client';

export const ACTIVE = ['queued', 'processing'];

/** When a job waiting after a failed attempt is retried: the clock time, and how far off it was when shown. */
export function RetryTime({ job }: { job: Job }) {
  if (job.status !== 'queued' || !job.nextAttemptAt) return null;
  const at = new Date(job.nextAttemptAt);
  const seconds = Math.max(0, Math.round((at.getTime() - Date.now()) / 1000));
  return (
    <p className="muted">
      Retrying after a failed attempt ({job.attempts} so far): retry at{' '}
      <time dateTime={job.nextAttemptAt}>{at.toLocaleTimeString([], { hour12: false })}</time>
      {seconds > 0 && `, in ${seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`}`}.
    </p>
  );
}

/** A job's state in words and a progress bar, for the job page and the jobs list. */
export function JobProgress({ job, label }: { job: Job; label: string }) {
  return (
    <div className="job-progress">
      <progress max={100} value={job.progress} aria-label={label}>
        {job.progress}%
      </progress>
      <span>
        {job.status}
        {ACTIVE.includes(job.status) && ` · ${Math.round(job.progress)}%`}
        {job.attempts > 1 && ` · attempt ${job.attempts}`}
      </span>
    </div>
  );
}
