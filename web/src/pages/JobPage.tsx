import { useEffect, useState } from 'react';
import { api, call, type JobStatus } from '../api/client';
import { FINAL_EVENTS, followJob } from '../api/job-events';
import { AssetTile } from '../components/AssetTile';
import { ACTIVE, JobProgress, RetryTime } from '../components/JobProgress';
import { Link, navigate } from '../router';

/**
 * One job, live: its progress from the job's event stream until it ends; then the result opens (one asset) or
 * its assets are listed (several). Cancel while it is queued or running.
 */
export function JobPage({ id }: { id: string }) {
  const [job, setJob] = useState<JobStatus>();
  const [error, setError] = useState('');
  useEffect(() => {
    const stop = new AbortController();
    const onEvent = ({ event, job: next }: { event: string; job: JobStatus }) => {
      setJob(next);
      if (event === 'completed' && next.assets.length === 1) navigate(`/asset/${next.assets[0].id}`, { replace: true });
    };
    followJob(id, onEvent, stop.signal).catch((failure: Error) => {
      if (!stop.signal.aborted) setError(failure.message);
    });
    return () => stop.abort();
  }, [id]);
  const cancel = async () => {
    try {
      const answer = await call(api.POST('/api/creative/jobs/{jobId}/cancel', { params: { path: { jobId: id } } }));
      setJob((previous) => (previous ? { ...previous, ...answer.job } : previous));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const done = job && (FINAL_EVENTS as readonly string[]).includes(job.status);
  return (
    <>
      <h1 tabIndex={-1}>{done ? `Job ${job.status}` : 'Generating…'}</h1>
      {job ? (
        <section aria-live="polite">
          <p className="prompt">{job.prompt}</p>
          <JobProgress job={job} label="Progress of the job" />
          {job.errorMessage && <p role="alert">{job.errorMessage}</p>}
          <RetryTime job={job} />
        </section>
      ) : (
        <p role="status">Connecting…</p>
      )}
      {error && <p role="alert">{error}</p>}
      {job && ACTIVE.includes(job.status) && (
        <button type="button" className="danger" onClick={() => void cancel()}>
          Cancel job
        </button>
      )}
      {job && job.assets.length > 0 && (
        <ul className="grid" aria-label="Results">
          {job.assets.map((asset) => (
            <li key={asset.id}>
              <Link href={`/asset/${asset.id}`} className="card">
                <AssetTile asset={asset} />
                <span className="card-label">Open result</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href="/jobs">All jobs</Link>
      </p>
    </>
  );
}
