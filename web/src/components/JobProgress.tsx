import type { Job } from '../api/client';

export const ACTIVE = ['queued', 'processing'];

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
