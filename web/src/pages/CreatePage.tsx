import { type FormEvent, useState } from 'react';
import { api, call, type Model } from '../api/client';
import { useAsync } from '../api/use-async';
import { Choice, Field, listOf, PartialImagesChoice, partialImagesOf } from '../components/fields';
import { Link, navigate, useLocation } from '../router';

const KINDS = [
  ['image', 'Image'],
  ['audio', 'Audio'],
  ['video', 'Video'],
  ['text', 'Text from a template'],
] as const;
type Kind = (typeof KINDS)[number][0];
type MediaKind = Exclude<Kind, 'text'>;

function splitTags(text: string): string[] | undefined {
  const tags = text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  return tags.length > 0 ? tags : undefined;
}

/** One form for images, speech and video: the fields each model takes, built from its catalogue entry. */
function MediaForm({ kind, models }: { kind: MediaKind; models: Model[] }) {
  const usable = models.filter((model) => model.status !== 'retired' && model.configured);
  const [modelId, setModelId] = useState(usable.find((model) => model.isDefault)?.id ?? usable[0]?.id ?? '');
  const model = usable.find((candidate) => candidate.id === modelId);
  const [text, setText] = useState('');
  const [negativePrompt, setNegativePrompt] = useState('');
  const [size, setSize] = useState('');
  const [voice, setVoice] = useState('');
  const [seconds, setSeconds] = useState('');
  const [count, setCount] = useState('1');
  const [partialImages, setPartialImages] = useState('');
  const [title, setTitle] = useState('');
  const [tags, setTags] = useState('');
  const [error, setError] = useState('');
  const maxImages = Number(model?.capabilities.maxImages ?? 1);
  const common = { model: modelId, title: title.trim() || undefined, tags: splitTags(tags) };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    try {
      const provider = model?.provider === 'stability' ? undefined : model?.provider;
      const accepted =
        kind === 'image'
          ? await call(
              api.POST('/api/creative/image/generate', {
                body: {
                  ...common,
                  prompt: text,
                  provider: model?.provider,
                  negativePrompt: negativePrompt.trim() || undefined,
                  size: size || undefined,
                  n: Number(count),
                  partialImages: partialImagesOf(partialImages),
                },
              }),
            )
          : kind === 'audio'
            ? await call(
                api.POST('/api/creative/audio/generate', {
                  body: {
                    ...common,
                    text,
                    provider,
                    voice: voice || undefined,
                  },
                }),
              )
            : await call(
                api.POST('/api/creative/video/generate', {
                  body: {
                    ...common,
                    prompt: text,
                    provider,
                    size: size || undefined,
                    seconds: seconds ? Number(seconds) : undefined,
                  },
                }),
              );
      navigate(`/job/${accepted.jobId}`);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="create-form">
      <Field id="model" label="Model">
        <select id="model" value={modelId} onChange={(event) => setModelId(event.target.value)} required>
          {usable.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.id} ({candidate.provider}
              {candidate.status === 'deprecated' ? ', deprecated' : ''})
            </option>
          ))}
        </select>
      </Field>
      <Field id="prompt" label={kind === 'audio' ? 'Text to speak' : 'Prompt'}>
        <textarea id="prompt" rows={4} required value={text} onChange={(event) => setText(event.target.value)} />
      </Field>
      {kind === 'image' && model?.capabilities.negativePrompt === true && (
        <Field id="negative" label="Negative prompt">
          <input id="negative" value={negativePrompt} onChange={(event) => setNegativePrompt(event.target.value)} />
        </Field>
      )}
      {kind !== 'audio' && (
        <Choice id="size" label="Size" options={listOf(model, 'sizes')} value={size} onChange={setSize} />
      )}
      {kind === 'audio' && (
        <Choice id="voice" label="Voice" options={listOf(model, 'voices')} value={voice} onChange={setVoice} />
      )}
      {kind === 'video' && (
        <Choice id="seconds" label="Seconds" options={listOf(model, 'seconds')} value={seconds} onChange={setSeconds} />
      )}
      {kind === 'image' && maxImages > 1 && (
        <Field id="count" label={`Images (1–${maxImages})`}>
          <input
            id="count"
            type="number"
            min={1}
            max={maxImages}
            value={count}
            onChange={(event) => setCount(event.target.value)}
          />
        </Field>
      )}
      {kind === 'image' && <PartialImagesChoice model={model} value={partialImages} onChange={setPartialImages} />}
      <Field id="title" label="Title (optional)">
        <input id="title" value={title} onChange={(event) => setTitle(event.target.value)} />
      </Field>
      <Field id="tags" label="Tags, separated by commas (optional)">
        <input id="tags" value={tags} onChange={(event) => setTags(event.target.value)} />
      </Field>
      {error && <p role="alert">{error}</p>}
      <button type="submit">Generate</button>
    </form>
  );
}

/** Text from a template (POST /content/from-template): the template's variables become the fields. */
function TextForm() {
  const templates = useAsync(
    () => call(api.GET('/api/creative/templates', { params: { query: { type: 'text', limit: 100 } } })),
    [],
  );
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const template = templates.data?.items.find((candidate) => candidate.id === templateId);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      // `variables` is a free-form object in the contract, which openapi-typescript types as an object of nothing.
      const body = { templateId, variables: values as never, save: true };
      const answer = await call(api.POST('/api/creative/content/from-template', { body }));
      // A text template answers the content (and its saved asset); an image template, a queued job.
      navigate('assetId' in answer ? `/asset/${answer.assetId}` : `/job/${answer.jobId}`);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} className="create-form">
      <Field id="template" label="Template">
        <select id="template" required value={templateId} onChange={(event) => setTemplateId(event.target.value)}>
          <option value="">Choose a template…</option>
          {templates.data?.items.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.name}
            </option>
          ))}
        </select>
      </Field>
      {template?.description && <p>{template.description}</p>}
      {template?.variables.map((variable) => (
        <Field
          key={variable.name}
          id={`var-${variable.name}`}
          label={`${variable.description ?? variable.name}${variable.required ? '' : ' (optional)'}`}
        >
          <input
            id={`var-${variable.name}`}
            required={variable.required}
            placeholder={variable.default ?? ''}
            value={values[variable.name] ?? ''}
            onChange={(event) => setValues({ ...values, [variable.name]: event.target.value })}
          />
        </Field>
      ))}
      {error && <p role="alert">{error}</p>}
      <button type="submit" disabled={busy}>
        {busy ? 'Writing…' : 'Write'}
      </button>
    </form>
  );
}

/** Generate something: a tab per kind, the models of this server for each. */
export function CreatePage() {
  const { search } = useLocation();
  const kind = (new URLSearchParams(search).get('kind') ?? 'image') as Kind;
  const models = useAsync(
    () =>
      kind === 'text'
        ? Promise.resolve({ items: [] })
        : call(api.GET('/api/creative/models', { params: { query: { kind } } })),
    [kind],
  );
  return (
    <>
      <h1 tabIndex={-1}>Create</h1>
      <nav aria-label="Kind">
        <ul className="tabs">
          {KINDS.map(([value, label]) => (
            <li key={value}>
              <Link href={`/create?kind=${value}`} aria-current={kind === value ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {kind === 'text' ? (
        <TextForm />
      ) : models.data && !models.loading ? (
        <MediaForm key={kind} kind={kind} models={models.data.items} />
      ) : (
        <p role={models.error ? 'alert' : 'status'}>{models.error ?? 'Loading the models…'}</p>
      )}
    </>
  );
}
