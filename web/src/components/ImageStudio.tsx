import { type FormEvent, type ReactNode, useState } from 'react';
import { type Asset, api, call, type Model } from '../api/client';
import { useAsync } from '../api/use-async';
import { useJob } from '../api/use-job';
import { navigate } from '../router';
import { Dialog } from './Dialog';
import { Choice, Field, PartialImagesChoice, partialImagesOf } from './fields';
import { JobPreview } from './JobPreview';
import { ACTIVE, JobProgress, RetryTime } from './JobProgress';

type EditOperation = NonNullable<Model['editOperations']>[number];
type UpscaleMode = NonNullable<Model['upscaleModes']>[number];

/** What the prompt of each edit operation says (EditImageDto.prompt). */
const PROMPT_LABELS: Record<EditOperation, string> = {
  edit: 'What to change',
  inpaint: 'What to paint where the mask is transparent',
  outpaint: 'What to add around the image',
  erase: 'What to erase',
  remove_background: 'What the subject is',
  search_and_replace: 'What replaces it',
};

/** The first model of the list that is its provider's default, else the first. */
const preferred = (models: Model[]) => models.find((model) => model.isDefault) ?? models[0];

interface StudioFormProps {
  asset: Asset;
  models: Model[];
  onStarted: (jobId: string) => void;
  onClose: () => void;
}

/** A studio dialog's form: `start` sends the request; its error stays in the dialog, its job goes to onStarted. */
function StudioForm({
  submitLabel,
  start,
  onStarted,
  onClose,
  children,
}: Pick<StudioFormProps, 'onStarted' | 'onClose'> & {
  submitLabel: string;
  start: () => Promise<{ jobId: string }>;
  children: ReactNode;
}) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      onStarted((await start()).jobId);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      {children}
      {error && <p role="alert">{error}</p>}
      <div className="row">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

function EditForm({ asset, models, onStarted, onClose }: StudioFormProps) {
  const [modelId, setModelId] = useState(preferred(models)?.id ?? '');
  const model = models.find((candidate) => candidate.id === modelId);
  const operations = model?.editOperations ?? [];
  const [operation, setOperation] = useState<EditOperation>('edit');
  const current = operations.includes(operation) ? operation : (operations[0] ?? 'edit');
  const [prompt, setPrompt] = useState('');
  const [searchPrompt, setSearchPrompt] = useState('');
  const [maskAssetId, setMaskAssetId] = useState('');
  const [partialImages, setPartialImages] = useState('');
  const start = () =>
    call(
      api.POST('/api/creative/image/{assetId}/edit', {
        params: { path: { assetId: asset.id } },
        body: {
          provider: model?.provider,
          model: modelId,
          operation: current,
          prompt,
          searchPrompt: current === 'search_and_replace' ? searchPrompt : undefined,
          maskAssetId: current === 'inpaint' ? maskAssetId.trim() : undefined,
          partialImages: partialImagesOf(partialImages),
        },
      }),
    );
  return (
    <StudioForm submitLabel="Start the edit" start={start} onStarted={onStarted} onClose={onClose}>
      <Field id="edit-model" label="Model">
        <select id="edit-model" value={modelId} onChange={(event) => setModelId(event.target.value)}>
          {models.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.id} ({candidate.provider})
            </option>
          ))}
        </select>
      </Field>
      <Choice
        id="edit-operation"
        label="Operation"
        options={operations}
        value={current}
        onChange={(value) => setOperation(value as EditOperation)}
        emptyLabel={null}
      />
      {current === 'search_and_replace' && (
        <Field id="edit-search" label="What to find">
          <input
            id="edit-search"
            required
            value={searchPrompt}
            onChange={(event) => setSearchPrompt(event.target.value)}
          />
        </Field>
      )}
      <Field id="edit-prompt" label={PROMPT_LABELS[current]}>
        <textarea
          id="edit-prompt"
          rows={3}
          required
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
        />
      </Field>
      {current === 'inpaint' && (
        <Field id="edit-mask" label="Mask: the id of an image asset of this size, transparent where to paint">
          <input id="edit-mask" required value={maskAssetId} onChange={(event) => setMaskAssetId(event.target.value)} />
        </Field>
      )}
      <PartialImagesChoice model={model} value={partialImages} onChange={setPartialImages} />
    </StudioForm>
  );
}

function UpscaleForm({ asset, models, onStarted, onClose }: StudioFormProps) {
  // An upscale names its provider: each provider once, with the modes of its models.
  const providers = [...new Map(models.map((model) => [model.provider, model])).values()];
  const [provider, setProvider] = useState<Model['provider'] | undefined>(preferred(models)?.provider);
  const modes = providers.find((candidate) => candidate.provider === provider)?.upscaleModes ?? [];
  const [mode, setMode] = useState<UpscaleMode>('fast');
  const current = modes.includes(mode) ? mode : (modes[0] ?? 'fast');
  const [prompt, setPrompt] = useState('');
  const start = () =>
    call(
      api.POST('/api/creative/image/{assetId}/upscale', {
        params: { path: { assetId: asset.id } },
        body: { provider, mode: current, prompt: current !== 'fast' && prompt.trim() ? prompt.trim() : undefined },
      }),
    );
  return (
    <StudioForm submitLabel="Start the upscale" start={start} onStarted={onStarted} onClose={onClose}>
      <Choice
        id="upscale-provider"
        label="Provider"
        options={providers.map((candidate) => candidate.provider)}
        value={provider ?? ''}
        onChange={(value) => setProvider(value as Model['provider'])}
        emptyLabel={null}
      />
      <Choice
        id="upscale-mode"
        label="Mode"
        options={modes}
        value={current}
        onChange={(value) => setMode(value as UpscaleMode)}
        emptyLabel={null}
      />
      {current !== 'fast' && (
        <Field id="upscale-prompt" label="What the image shows (some providers need it for this mode)">
          <textarea id="upscale-prompt" rows={2} value={prompt} onChange={(event) => setPrompt(event.target.value)} />
        </Field>
      )}
    </StudioForm>
  );
}

/**
 * Edit or upscale an image (POST /image/:assetId/edit and /upscale), the user's own or a public one (which is
 * read, never changed): a dialog per action with what GET /models says each provider can do, then the job's
 * live progress here, and its result opens when done. Loaded with the asset page of an image only.
 */
export default function ImageStudio({ asset }: { asset: Asset }) {
  const models = useAsync(() => call(api.GET('/api/creative/models', { params: { query: { kind: 'image' } } })), []);
  const [dialog, setDialog] = useState<'edit' | 'upscale'>();
  const [jobId, setJobId] = useState<string>();
  const { job, preview, error, cancel } = useJob(jobId, (completed) =>
    navigate(completed.assets.length === 1 ? `/asset/${completed.assets[0].id}` : `/job/${completed.id}`),
  );
  const usable = (models.data?.items ?? []).filter((model) => model.status !== 'retired' && model.configured);
  const editors = usable.filter((model) => (model.editOperations ?? []).length > 0);
  const upscalers = usable.filter((model) => (model.upscaleModes ?? []).length > 0);
  const running = job !== undefined && ACTIVE.includes(job.status);
  const started = (id: string) => {
    setDialog(undefined);
    setJobId(id);
  };
  const close = () => setDialog(undefined);
  return (
    <section aria-labelledby="studio">
      <h2 id="studio">Edit or upscale</h2>
      {models.error && <p role="alert">{models.error}</p>}
      <div className="row">
        <button type="button" disabled={editors.length === 0} onClick={() => setDialog('edit')}>
          Edit…
        </button>
        <button type="button" disabled={upscalers.length === 0} onClick={() => setDialog('upscale')}>
          Upscale…
        </button>
      </div>
      {job && (
        <div aria-live="polite">
          <JobProgress
            job={job}
            label={job.type === 'image_upscale' ? 'Progress of the upscale' : 'Progress of the edit'}
          />
          {job.errorMessage && <p role="alert">{job.errorMessage}</p>}
          <RetryTime job={job} />
          {running && (
            <button type="button" className="danger" onClick={() => void cancel()}>
              Cancel job
            </button>
          )}
        </div>
      )}
      {error && <p role="alert">{error}</p>}
      <JobPreview preview={preview} />
      <Dialog open={dialog === 'edit'} title="Edit this image" onClose={close}>
        <EditForm asset={asset} models={editors} onStarted={started} onClose={close} />
      </Dialog>
      <Dialog open={dialog === 'upscale'} title="Upscale this image" onClose={close}>
        <UpscaleForm asset={asset} models={upscalers} onStarted={started} onClose={close} />
      </Dialog>
    </section>
  );
}
