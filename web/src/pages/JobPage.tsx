import { FINAL_EVENTS } from '../api/job-events';
import { useJob } from '../api/use-job';
import { AssetTile } from '../components/AssetTile';
import { JobPreview } from '../components/JobPreview';
import { ACTIVE, JobProgress, RetryTime } from '../components/JobProgress';
import { Link, navigate } from '../router';

/**
 * One job, live: its progress (and the partial images of a provider that streams them) from the job's event
 * stream until it ends; then the result opens (one asset) or its assets are listed (several). Cancel while it
 * is queued or running.
 */
export function JobPage({ id }: { id: string }) {
  const { job, preview, error, cancel } = useJob(id, (completed) => {
    if (completed.assets.length === 1) navigate(`/asset/${completed.assets[0].id}`, { replace: true });
  });
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
      <JobPreview preview={preview} />
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
