import { useEffect, useState } from 'react';
import { api, call, type Job } from '../api/client';
import { useAsync } from '../api/use-async';
import { dateTime, usd } from '../components/format';
import { ACTIVE, JobProgress, RetryTime } from '../components/JobProgress';
import { Link, navigate, useLocation } from '../router';

const STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];
const REFRESH_MS = 2000;

/** A job's prompt, shortened; a job without one (an upscale) by its kind. */
function jobLabel(job: Job): string {
  if (!job.prompt) return job.type.replace(/_/g, ' ');
  return job.prompt.length > 90 ? `${job.prompt.slice(0, 87)}…` : job.prompt;
}

function JobRow({ job, onCancel }: { job: Job; onCancel: (job: Job) => void }) {
  return (
    <li className="job">
      <div className="job-head">
        <Link href={`/job/${job.id}`}>{jobLabel(job)}</Link>
        <span className="muted">
          {job.type.replace(/_/g, ' ')} · {job.model ?? job.provider ?? ''} · {dateTime(job.createdAt)}
          {job.cost ? ` · ${usd(job.cost)}` : ''}
        </span>
      </div>
      <JobProgress job={job} label={`Progress of ${jobLabel(job).slice(0, 40)}`} />
      {job.errorMessage && <p className="error">{job.errorMessage}</p>}
      <RetryTime job={job} />
      {ACTIVE.includes(job.status) && (
        <button type="button" className="danger" onClick={() => onCancel(job)}>
          Cancel
        </button>
      )}
    </li>
  );
}

/** The user's jobs, newest first, refreshed every few seconds while any is queued or running. */
export function JobsPage() {
  const { search } = useLocation();
  const status = new URLSearchParams(search).get('status') ?? '';
  const jobs = useAsync(
    () =>
      call(
        api.GET('/api/creative/jobs', {
          params: { query: { limit: 50, ...(status && { status: [status as Status] }) } },
        }),
      ),
    [status],
  );
  const [error, setError] = useState('');
  const { reload } = jobs;
  const anyActive = jobs.data?.items.some((job) => ACTIVE.includes(job.status)) ?? false;
  useEffect(() => {
    if (!anyActive) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyActive, reload]);
  const cancel = async (job: Job) => {
    try {
      await call(api.POST('/api/creative/jobs/{jobId}/cancel', { params: { path: { jobId: job.id } } }));
      reload();
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <>
      <h1 tabIndex={-1}>Jobs</h1>
      <div className="field inline">
        <label htmlFor="job-status">Status</label>
        <select
          id="job-status"
          value={status}
          onChange={(event) =>
            navigate(`/jobs${event.target.value ? `?status=${event.target.value}` : ''}`, { replace: true })
          }
        >
          <option value="">Any</option>
          {STATUSES.map((value) => (
            <option key={value}>{value}</option>
          ))}
        </select>
      </div>
      {(error || jobs.error) && <p role="alert">{error || jobs.error}</p>}
      {jobs.data?.items.length === 0 && <p>No jobs{status ? ` ${status}` : ''}.</p>}
      <ul className="jobs" aria-label="Jobs">
        {jobs.data?.items.map((job) => (
          <JobRow key={job.id} job={job} onCancel={(target) => void cancel(target)} />
        ))}
      </ul>
    </>
  );
}
