import type { ServerResponse } from 'node:http';
import sharp from 'sharp';
import type { RecordedPart } from './fake-image-edits';

/**
 * Stability's Stable Image edit and upscale routes of the fake provider (v2beta): inpaint, outpaint, erase,
 * search-and-replace and remove-background answer the edited image at once, as do the fast and conservative
 * upscales; the creative upscale answers `{ id }`, fetched from GET /v2beta/results/{id} (202 while it renders,
 * 200 with the image). Each route checks the fields Stability documents for it and answers its error shape.
 */

export const STABILITY_STUDIO_PATH =
  /^\/v2beta\/(?:stable-image\/(edit\/(?:inpaint|outpaint|erase|search-and-replace|remove-background)|upscale\/(?:fast|conservative|creative))|results\/([\w-]+))$/;

/** How many times larger each upscale answers (Stability: fast 4×; conservative and creative up to 4 MP). */
const UPSCALE_FACTOR = 4;

export interface StabilityStudioResponder {
  badRequest(res: ServerResponse, message: string): void;
  notFound(res: ServerResponse, message: string): void;
  json(res: ServerResponse, status: number, body: unknown): void;
  /** `filtered`: Stability's answer for an image its moderation caught (`finish-reason: CONTENT_FILTERED`). */
  image(res: ServerResponse, bytes: Buffer, format: string, filtered: boolean): void;
}

export interface FakeStabilityStudioControl {
  /** Creative upscales stay in progress until released. */
  hold(): void;
  release(): void;
  /** Creative upscales created (POST upscale/creative answered with an id). */
  readonly createdCount: number;
  /** Result polls answered, in order, with the id and status sent. */
  readonly resultPolls: readonly { id: string; status: 202 | 200 }[];
}

interface Render {
  bytes: Buffer;
  format: string;
  filtered: boolean;
}

export class FakeStabilityStudio implements FakeStabilityStudioControl {
  private readonly renders = new Map<string, Render>();
  private held = false;
  private created = 0;
  readonly resultPolls: { id: string; status: 202 | 200 }[] = [];

  constructor(private readonly nextId: () => string) {}

  get createdCount(): number {
    return this.created;
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
  }

  reset(): void {
    this.renders.clear();
    this.held = false;
    this.created = 0;
    this.resultPolls.length = 0;
  }

  async handle(
    res: ServerResponse,
    request: {
      method: string;
      path: string;
      /** A content_policy fault of stage `output` took this request. */
      filtered: boolean;
      parts?: RecordedPart[];
      files?: Map<RecordedPart, Buffer>;
    },
    send: StabilityStudioResponder,
  ): Promise<void> {
    const [, route, resultId] = STABILITY_STUDIO_PATH.exec(request.path) ?? [];
    if (resultId !== undefined) return this.result(res, request.method, resultId, send);
    if (request.method !== 'POST' || !request.parts || !request.files)
      return send.badRequest(res, 'content-type: must be multipart/form-data');
    const text = (name: string) => {
      const part = request.parts!.find((candidate) => candidate.name === name);
      return part && 'value' in part ? part.value : undefined;
    };
    const file = (name: string) => {
      const part = request.parts!.find((candidate) => candidate.name === name && 'sha256' in candidate);
      return part && request.files!.get(part);
    };
    const image = file('image');
    if (!image) return send.badRequest(res, 'image: required');
    const problem = missingField(route, text);
    if (problem) return send.badRequest(res, problem);
    const format = text('output_format') ?? 'png';
    if (!['png', 'jpeg', 'webp'].includes(format) || (route === 'edit/remove-background' && format === 'jpeg'))
      return send.badRequest(res, 'output_format: not supported by this endpoint');
    const bytes = await render(route, image, text, format);
    if (route === 'upscale/creative') {
      const id = `${this.nextId()}${'0'.repeat(58)}`.slice(0, 64);
      this.renders.set(id, { bytes, format, filtered: request.filtered });
      this.created += 1;
      return send.json(res, 200, { id });
    }
    send.image(res, bytes, format, request.filtered);
  }

  private result(res: ServerResponse, method: string, id: string, send: StabilityStudioResponder): void {
    const rendered = this.renders.get(id);
    if (method !== 'GET' || !rendered) return send.notFound(res, `results: no generation with id ${id}`);
    if (this.held) {
      this.resultPolls.push({ id, status: 202 });
      return send.json(res, 202, { id, status: 'in-progress' });
    }
    this.resultPolls.push({ id, status: 200 });
    send.image(res, rendered.bytes, rendered.format, rendered.filtered);
  }
}

/** What Stability requires of each route beyond the image. */
function missingField(route: string, text: (name: string) => string | undefined): string | undefined {
  const needsPrompt = ['edit/inpaint', 'edit/search-and-replace', 'upscale/conservative', 'upscale/creative'];
  if (needsPrompt.includes(route) && !text('prompt')?.trim()) return 'prompt: cannot be empty';
  if (route === 'edit/search-and-replace' && !text('search_prompt')?.trim()) return 'search_prompt: cannot be empty';
  if (route === 'edit/outpaint' && !['left', 'right', 'up', 'down'].some((side) => Number(text(side) ?? 0) > 0))
    return 'at least one of left, right, up or down must be greater than 0';
  return undefined;
}

/** The fake's answer: an image of the right size and kind for the route, drawn from the input. */
async function render(
  route: string,
  image: Buffer,
  text: (name: string) => string | undefined,
  format: string,
): Promise<Buffer> {
  const { width = 1, height = 1 } = await sharp(image).metadata();
  let output = sharp(image);
  if (route.startsWith('upscale/')) output = output.resize(width * UPSCALE_FACTOR, height * UPSCALE_FACTOR);
  if (route === 'edit/outpaint') {
    const side = (name: string) => Number(text(name) ?? 0);
    output = output.extend({
      left: side('left'),
      right: side('right'),
      top: side('up'),
      bottom: side('down'),
      background: '#808080',
    });
  }
  if (route === 'edit/remove-background') {
    // A transparent frame around an opaque middle: the background, removed.
    const alpha = Buffer.alloc(width * height);
    for (let y = Math.floor(height / 4); y < Math.ceil((height * 3) / 4); y++)
      alpha.fill(255, y * width + Math.floor(width / 4), y * width + Math.ceil((width * 3) / 4));
    const rgb = await sharp(image).removeAlpha().raw().toBuffer();
    output = sharp(rgb, { raw: { width, height, channels: 3 } }).joinChannel(alpha, {
      raw: { width, height, channels: 1 },
    });
  }
  if (route === 'edit/inpaint' || route === 'edit/search-and-replace') output = output.modulate({ hue: 90 });
  if (route === 'edit/erase') output = output.blur(2);
  return output.toFormat(format as 'png').toBuffer();
}
