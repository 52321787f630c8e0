/**
 * Small builders of test data. Each returns valid defaults that a spec overrides only where it matters,
 * so a test states what it is about instead of repeating literals.
 */
import { createHash, randomUUID } from 'node:crypto';

let sequence = 0;

/** A user id unique to this run, so specs never see each other's rows. */
/** The sha256 (hex) an asset's `checksum` must be, computed apart from the engine's own code. */
export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export function newUserId(prefix = 'user'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A valid POST /template body: a text template with one required variable. */
export function templateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    name: `Template ${sequence}`,
    type: 'text',
    category: 'testing',
    prompt: 'Write a short note about {{topic}}',
    variables: [{ name: 'topic', description: 'What to write about', required: true }],
    tags: ['test'],
    ...overrides,
  };
}

/** A real PNG of the given size (sharp), for saveAsset and the file routes. */
export async function pngBytes(width = 640, height = 480, color = { r: 200, g: 40, b: 90 }): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

/**
 * A creative_assets row for createMany fixtures (no stored file): a text asset by default, since a text
 * asset needs no bytes. `url` is a placeholder; the file routes serve text assets from `content`.
 */
export function assetRow(
  userId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { id: string } {
  sequence += 1;
  const id = randomUUID();
  return {
    id,
    userId,
    type: 'text',
    title: `Asset ${sequence}`,
    sourceModule: 'content_creation',
    url: `/api/creative/asset/${id}/file`,
    content: `Body of asset ${sequence}`,
    mimeType: 'text/plain',
    ...overrides,
  };
}

/** A valid POST /image/generate body (placeholder model unless overridden; small so tests stay fast). */
export function imageRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return { prompt: `A lighthouse at dawn, study ${sequence}`, model: 'placeholder', size: '256x256', ...overrides };
}

/** A valid POST /audio/generate body: placeholder speech, which needs no key. */
export function audioRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return { text: `Welcome to episode ${sequence}`, provider: 'placeholder', ...overrides };
}

/** A generation_jobs row for createMany fixtures: a queued placeholder image job unless overridden. */
export function jobRow(
  userId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { id: string } {
  sequence += 1;
  return {
    id: randomUUID(),
    userId,
    type: 'image_generation',
    status: 'queued',
    prompt: `A lighthouse at dawn, study ${sequence}`,
    provider: 'placeholder',
    model: 'placeholder',
    ...overrides,
  };
}

/** An asset_collections row for createMany fixtures (private unless overridden). */
export function collectionRow(
  userId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { id: string } {
  sequence += 1;
  return { id: randomUUID(), userId, name: `Collection ${sequence}`, ...overrides };
}

/** A creative_templates row for createMany fixtures: the POST /template body's template, owned by `userId`. */
export function templateRow(
  userId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { id: string } {
  return { id: randomUUID(), userId, ...templateBody(), ...overrides };
}
