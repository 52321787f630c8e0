import sharp from 'sharp';
import { ProviderError } from '../../common/errors';
import { httpFailure } from '../provider-failures';
import type {
  EditOperation,
  GeneratedImage,
  ImageEditRequest,
  ImageUpscaleRequest,
  RemoteImageState,
  SourceImage,
  UpscaleMode,
} from './image-provider';

/** Stability's Stable Image edit endpoints, by operation (v2beta/stable-image/edit/…). */
export const STABILITY_EDIT_PATHS: Readonly<Partial<Record<EditOperation, string>>> = {
  inpaint: 'edit/inpaint',
  outpaint: 'edit/outpaint',
  erase: 'edit/erase',
  search_and_replace: 'edit/search-and-replace',
  remove_background: 'edit/remove-background',
};
export const STABILITY_UPSCALE_PATHS: Readonly<Record<UpscaleMode, string>> = {
  fast: 'upscale/fast',
  conservative: 'upscale/conservative',
  creative: 'upscale/creative',
};

/** How far outpaint extends every side, as a share of the source's width and height. */
const OUTPAINT_SHARE = 0.25;

export interface StabilityCall {
  baseUrl: string;
  apiKey: string;
  signal: AbortSignal;
}

/** Stability masks are greyscale, white where to edit: our masks' transparent pixels, turned white. */
async function stabilityMask(mask: SourceImage): Promise<Buffer> {
  return sharp(mask.bytes).ensureAlpha().extractChannel(3).negate().png().toBuffer();
}

const blobOf = (bytes: Buffer, type: string) => new Blob([new Uint8Array(bytes)], { type });

/** The multipart form of an edit: the image, the mask where the operation takes one, and its own fields. */
export async function stabilityEditForm(request: ImageEditRequest): Promise<FormData> {
  const form = new FormData();
  form.set('image', blobOf(request.source.bytes, request.source.mimeType), 'image');
  if (request.mask && (request.operation === 'inpaint' || request.operation === 'erase'))
    form.set('mask', blobOf(await stabilityMask(request.mask), 'image/png'), 'mask.png');
  if (request.operation !== 'remove_background' && request.operation !== 'erase') form.set('prompt', request.prompt);
  if (request.operation === 'search_and_replace') form.set('search_prompt', request.searchPrompt ?? '');
  if (request.operation === 'outpaint') {
    const { width = 0, height = 0 } = await sharp(request.source.bytes).metadata();
    const x = String(Math.max(1, Math.round(width * OUTPAINT_SHARE)));
    const y = String(Math.max(1, Math.round(height * OUTPAINT_SHARE)));
    for (const [side, pixels] of [
      ['left', x],
      ['right', x],
      ['up', y],
      ['down', y],
    ])
      form.set(side, pixels);
  }
  const format = request.outputFormat ?? 'png';
  // remove-background answers PNG or WebP only.
  form.set('output_format', request.operation === 'remove_background' && format === 'jpeg' ? 'png' : format);
  return form;
}

export function stabilityUpscaleForm(request: ImageUpscaleRequest): FormData {
  const form = new FormData();
  form.set('image', blobOf(request.source.bytes, request.source.mimeType), 'image');
  if (request.prompt) form.set('prompt', request.prompt);
  form.set('output_format', request.outputFormat ?? 'png');
  return form;
}

/** A POST or GET to `v2beta/<path>`, every failure as a ProviderError. */
export async function stabilityFetch(call: StabilityCall, path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${call.baseUrl.replace(/\/+$/, '')}/v2beta/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${call.apiKey}`, ...init.headers },
      signal: call.signal,
    });
  } catch (error) {
    const reason = call.signal.aborted
      ? 'did not answer in time'
      : `could not be reached: ${error instanceof Error ? error.message : String(error)}`;
    throw new ProviderError(`stability ${reason}`, true, { provider: 'stability', cause: error });
  }
  if (!response.ok) throw await stabilityFailure(response);
  return response;
}

/** The image of a 200 answer (`accept: image/*`), refused when Stability filtered it for content. */
export async function stabilityImage(response: Response): Promise<GeneratedImage> {
  if (response.headers.get('finish-reason') === 'CONTENT_FILTERED') {
    throw new ProviderError('stability filtered the image for content', false, {
      provider: 'stability',
      code: 'CONTENT_POLICY_VIOLATION',
    });
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  const seed = Number(response.headers.get('seed') ?? NaN);
  return { bytes, seed: Number.isFinite(seed) ? seed : undefined };
}

/** GET v2beta/results/{id}: 202 while the render runs, 200 with the image. */
export async function stabilityResult(call: StabilityCall, id: string): Promise<RemoteImageState> {
  const response = await stabilityFetch(call, `results/${encodeURIComponent(id)}`, {
    method: 'GET',
    headers: { accept: 'image/*' },
  });
  if (response.status === 202) {
    await response.body?.cancel();
    const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
    return { done: false, pollAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined };
  }
  return { done: true, image: await stabilityImage(response) };
}

export async function stabilityFailure(response: Response): Promise<ProviderError> {
  const body = (await response.json().catch(() => undefined)) as { name?: string; errors?: string[] } | undefined;
  const message = body?.errors?.join('; ') || body?.name || response.statusText || 'no details';
  return httpFailure('stability', response.status, message, {
    headers: response.headers,
    contentPolicy: body?.name === 'content_moderation',
  });
}
