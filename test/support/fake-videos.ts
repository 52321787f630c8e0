import type { ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import sharp from 'sharp';
import { encodeVp8Clip } from '../../src/providers/video/vp8-clip';

/**
 * The `/v1/videos` routes of the fake OpenAI server (hooked into fake-provider.ts): create, retrieve, content
 * (MP4 and its thumbnail) and delete, checked against the published schemas like every OpenAI route. A video
 * goes queued → in_progress (progress rising) → completed over a few reads, or stays in progress while held.
 */

export interface VideoRequestFields {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The multipart fields of a create (files as `{ filename, type, size }`). */
  fields?: Record<string, string | { filename: string; type: string; size: number }>;
}

/** What the fake server lends this module to answer: its schema checks and its error shape. */
export interface VideoResponder {
  acceptRequest(res: ServerResponse, schema: string, body: unknown): boolean;
  json(res: ServerResponse, status: number, body: unknown, schema: string, headers?: Record<string, string>): void;
  notFound(res: ServerResponse, message: string): void;
}

export interface FakeVideosControl {
  /** Videos the fake accepted (answered 200 to POST /v1/videos). */
  readonly createdCount: number;
  /** Reads of a video before it completes (default 3: queued, in_progress, in_progress, then completed). */
  setReadsToComplete(reads: number): void;
  /** While held, every video stays in_progress; release lets them complete at their next read. */
  hold(): void;
  release(): void;
  /** The next video created ends `failed` with this error at its first read. */
  failNextVideo(error: { code: string; message: string }): void;
  /** Sent as `openai-poll-after-ms` with every retrieve; null sends none. */
  setPollAfterMs(ms: number | null): void;
  /** The progress values the fake answered, in order. */
  readonly progressAnswered: readonly number[];
}

const VIDEO_PATH = /^\/v1\/videos(?:\/([\w-]+)(\/content)?)?$/;
const FRAMES_PER_SECOND = 4;

export const isVideoPath = (path: string): boolean => VIDEO_PATH.test(path);

interface StoredVideo {
  resource: OpenAI.Video;
  reads: number;
  failure?: { code: string; message: string };
}

export class FakeVideos implements FakeVideosControl {
  private readonly videos = new Map<string, StoredVideo>();
  private readonly progress: number[] = [];
  private created = 0;
  private readsToComplete = 3;
  private held = false;
  private nextFailure?: { code: string; message: string };
  private pollAfterMs: number | null = null;

  constructor(private readonly nextId: () => string) {}

  get createdCount(): number {
    return this.created;
  }

  get progressAnswered(): readonly number[] {
    return [...this.progress];
  }

  setReadsToComplete(reads: number): void {
    this.readsToComplete = reads;
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
  }

  failNextVideo(error: { code: string; message: string }): void {
    this.nextFailure = error;
  }

  setPollAfterMs(ms: number | null): void {
    this.pollAfterMs = ms;
  }

  reset(): void {
    this.videos.clear();
    this.progress.length = 0;
    this.created = 0;
    this.readsToComplete = 3;
    this.held = false;
    this.nextFailure = undefined;
    this.pollAfterMs = null;
  }

  async handle(res: ServerResponse, request: VideoRequestFields, send: VideoResponder): Promise<void> {
    const [, id, content] = VIDEO_PATH.exec(request.path) ?? [];
    if (!id && request.method === 'POST') return this.create(res, request, send);
    const video = id ? this.videos.get(id) : undefined;
    if (!video) return send.notFound(res, `No video found with id '${id ?? ''}'.`);
    if (content && request.method === 'GET') return this.content(res, video, request.query.get('variant'));
    if (request.method === 'GET') return this.retrieve(res, video, send);
    if (request.method === 'DELETE') {
      this.videos.delete(video.resource.id);
      return send.json(
        res,
        200,
        { id: video.resource.id, object: 'video.deleted', deleted: true },
        'DeletedVideoResource',
      );
    }
    return send.notFound(res, `Invalid URL (${request.method} ${request.path})`);
  }

  private create(res: ServerResponse, request: VideoRequestFields, send: VideoResponder): void {
    // Multipart carries every field as text and a file as binary: validated in that form.
    const body = Object.fromEntries(
      Object.entries(request.fields ?? {}).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : `<file ${value.filename} ${value.type}>`,
      ]),
    );
    if (!send.acceptRequest(res, 'CreateVideoMultipartBody', body)) return;
    const resource: OpenAI.Video = {
      id: `video_${this.nextId()}`,
      object: 'video',
      model: body.model ?? 'sora-2',
      status: 'queued',
      progress: 0,
      created_at: Math.floor(Date.now() / 1000),
      completed_at: null,
      expires_at: null,
      prompt: body.prompt,
      size: (body.size as OpenAI.VideoSize | undefined) ?? '720x1280',
      seconds: body.seconds ?? '4',
      remixed_from_video_id: null,
      error: null,
    };
    this.videos.set(resource.id, { resource, reads: 0, failure: this.nextFailure });
    this.nextFailure = undefined;
    this.created += 1;
    send.json(res, 200, resource, 'VideoResource');
  }

  private retrieve(res: ServerResponse, video: StoredVideo, send: VideoResponder): void {
    this.advance(video);
    this.progress.push(video.resource.progress);
    const headers: Record<string, string> =
      this.pollAfterMs === null ? {} : { 'openai-poll-after-ms': String(this.pollAfterMs) };
    send.json(res, 200, video.resource, 'VideoResource', headers);
  }

  private advance(video: StoredVideo): void {
    const { resource } = video;
    if (resource.status === 'completed' || resource.status === 'failed') return;
    video.reads += 1;
    if (video.failure) {
      Object.assign(resource, { status: 'failed', error: video.failure, completed_at: Math.floor(Date.now() / 1000) });
      return;
    }
    if (this.held || video.reads < this.readsToComplete) {
      resource.status = video.reads === 1 && !this.held ? 'queued' : 'in_progress';
      resource.progress = Math.min(95, Math.round((100 * video.reads) / Math.max(this.readsToComplete, 2)));
      return;
    }
    Object.assign(resource, {
      status: 'completed',
      progress: 100,
      completed_at: Math.floor(Date.now() / 1000),
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    });
  }

  private async content(res: ServerResponse, video: StoredVideo, variant: string | null): Promise<void> {
    const [width, height] = video.resource.size.split('x').map(Number);
    if (variant === 'thumbnail') {
      const poster = await sharp(frameSvg(width, height, 0))
        .webp()
        .toBuffer();
      res.writeHead(200, { 'content-type': 'image/webp', 'content-length': poster.length }).end(poster);
      return;
    }
    const count = Number(video.resource.seconds) * FRAMES_PER_SECOND;
    const bytes = await encodeVp8Clip(
      {
        width,
        height,
        framesPerSecond: FRAMES_PER_SECOND,
        count,
        frame: (index) => frameSvg(width, height, index / count),
      },
      'mp4',
    );
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length }).end(bytes);
  }
}

function frameSvg(width: number, height: number, position: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="rgb(20,40,80)"/>` +
      `<rect x="${Math.round(position * width)}" y="0" width="${Math.round(width / 10)}" height="${height}" fill="rgb(240,200,40)"/></svg>`,
  );
}
