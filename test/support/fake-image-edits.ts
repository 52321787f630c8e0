import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import sharp from 'sharp';

/**
 * POST /v1/images/edits of the fake provider: multipart in (the source and reference images as `image` or
 * `image[]`, an optional `mask`), base64 images out, or, with `stream=true`, server-sent events
 * `image_edit.partial_image` … `image_edit.completed`. The request, read in its multipart form, is checked
 * against CreateImageEditRequest and every answer against ImagesResponse or ImageEditStreamEvent.
 */

/** One part of a multipart request, in order; files with the sha256 of their bytes. */
export type RecordedPart =
  { name: string; value: string } | { name: string; filename: string; type: string; size: number; sha256: string };

export interface ImageEditResponder {
  acceptRequest(res: ServerResponse, schema: string, body: unknown): boolean;
  json(res: ServerResponse, status: number, body: unknown, schema: string): void;
  badRequest(res: ServerResponse, message: string, param: string): void;
  /** Sends one server-sent event after checking it against `schema`. */
  event(res: ServerResponse, type: string, data: unknown, schema: string): void;
  /** How long a stream waits after each partial image, as a real render takes time. */
  streamGapMs: number;
}

/** Multipart carries text: the fields the schema types as numbers or booleans, read as such. */
const NUMBER_FIELDS = new Set(['n', 'output_compression', 'partial_images']);
const BOOLEAN_FIELDS = new Set(['stream']);

/** Input tokens the fake counts per input image (the API counts images into input_tokens). */
export const FAKE_IMAGE_INPUT_TOKENS = 194;
const OUTPUT_TOKENS_PER_IMAGE = 1056;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Every part of a multipart body, files with their bytes. */
export async function readParts(
  contentType: string | undefined,
  raw: Buffer,
  origin: string,
): Promise<{ parts: RecordedPart[]; files: Map<RecordedPart, Buffer> } | undefined> {
  if (!contentType?.startsWith('multipart/form-data')) return undefined;
  const form = await new Request(origin, { method: 'POST', headers: { 'content-type': contentType }, body: raw })
    .formData()
    .catch(() => undefined);
  if (!form) return undefined;
  const parts: RecordedPart[] = [];
  const files = new Map<RecordedPart, Buffer>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push({ name, value });
      continue;
    }
    const bytes = Buffer.from(await value.arrayBuffer());
    const part = { name, filename: value.name, type: value.type, size: value.size, sha256: sha256(bytes) };
    parts.push(part);
    files.set(part, bytes);
  }
  return { parts, files };
}

/** The request as the schema sees it: `image[]` parts as the `image` array, files as `<file …>` text. */
function bodyOf(parts: readonly RecordedPart[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const part of parts) {
    const value =
      'value' in part
        ? NUMBER_FIELDS.has(part.name)
          ? Number(part.value)
          : BOOLEAN_FIELDS.has(part.name)
            ? part.value === 'true'
            : part.value
        : `<file ${part.filename} ${part.type}>`;
    if (part.name.endsWith('[]')) {
      const name = part.name.slice(0, -2);
      body[name] = [...((body[name] as unknown[] | undefined) ?? []), value];
    } else body[part.name] = value;
  }
  return body;
}

export async function handleImageEdit(
  res: ServerResponse,
  read: { parts: RecordedPart[]; files: Map<RecordedPart, Buffer> },
  send: ImageEditResponder,
): Promise<void> {
  const body = bodyOf(read.parts);
  if (!send.acceptRequest(res, 'CreateImageEditRequest', body)) return;
  const images = read.parts.filter((part) => part.name === 'image' || part.name === 'image[]');
  const source = read.files.get(images[0])!;
  const { width, height } = await sharp(source).metadata();
  const maskPart = read.parts.find((part) => part.name === 'mask');
  if (maskPart) {
    const mask = await sharp(read.files.get(maskPart)).metadata();
    if (mask.format !== 'png' || !mask.hasAlpha)
      return send.badRequest(res, 'Invalid mask image format - mask must be a PNG with an alpha channel.', 'mask');
    if (mask.width !== width || mask.height !== height)
      return send.badRequest(res, 'Invalid mask: the mask and the image must have the same dimensions.', 'mask');
  }
  const prompt = String(body.prompt);
  const format = (body.output_format as 'png' | 'jpeg' | 'webp' | undefined) ?? 'png';
  const count = Number(body.n ?? 1);
  const quality = (body.quality as 'low' | 'medium' | 'high' | undefined) ?? 'medium';
  const render = (label: string) =>
    sharp(source)
      .tint(colourOf(`${prompt}#${label}`))
      .toFormat(format)
      .toBuffer();
  const inputTokens = Math.ceil(prompt.length / 4) + images.length * FAKE_IMAGE_INPUT_TOKENS;
  const usage = {
    input_tokens: inputTokens,
    output_tokens: count * OUTPUT_TOKENS_PER_IMAGE,
    total_tokens: inputTokens + count * OUTPUT_TOKENS_PER_IMAGE,
    input_tokens_details: {
      text_tokens: Math.ceil(prompt.length / 4),
      image_tokens: images.length * FAKE_IMAGE_INPUT_TOKENS,
    },
  };
  const common = {
    created_at: Math.floor(Date.now() / 1000),
    size: 'auto',
    quality,
    background: 'opaque',
    output_format: format,
  };
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const partials = Number(body.partial_images ?? 0);
    for (let index = 0; index < partials; index++) {
      const partial = {
        type: 'image_edit.partial_image',
        b64_json: (await render(`partial-${index}`)).toString('base64'),
        ...common,
        partial_image_index: index,
      };
      send.event(res, partial.type, partial, 'ImageEditStreamEvent');
      // Time for a client to see each partial before the next (and before the job ends and deletes it).
      await new Promise((resolve) => setTimeout(resolve, send.streamGapMs));
    }
    const done = { type: 'image_edit.completed', b64_json: (await render('0')).toString('base64'), ...common, usage };
    send.event(res, done.type, done, 'ImageEditStreamEvent');
    res.end();
    return;
  }
  const data: OpenAI.Image[] = [];
  for (let index = 0; index < count; index++) data.push({ b64_json: (await render(String(index))).toString('base64') });
  const answer: OpenAI.ImagesResponse = {
    created: common.created_at,
    data,
    background: 'opaque',
    output_format: format,
    quality,
    usage: { ...usage, output_tokens_details: { image_tokens: usage.output_tokens, text_tokens: 0 } },
  };
  send.json(res, 200, answer, 'ImagesResponse');
}

function colourOf(text: string): { r: number; g: number; b: number } {
  const digest = createHash('sha256').update(text).digest();
  return { r: digest[0], g: digest[1], b: digest[2] };
}
