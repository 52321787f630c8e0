import type { VideoProviderName } from '../provider-names';
import type { VideoGenerationRequest } from './video-models';

/** Where a provider's video is, read by VideoProvider.poll. */
export interface VideoProgress {
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  /** 0-100, as the provider estimates it. */
  progress: number;
  /** Why a failed video failed, in the provider's words. */
  error?: { code?: string; message: string };
  /** How long the provider asked to wait before the next read (`openai-poll-after-ms`, Retry-After). */
  pollAfterMs?: number;
}

export interface GeneratedVideo {
  /** The encoded clip (MP4 or WebM) as the provider produced it; its metadata is read from these bytes. */
  bytes: Buffer;
  /** A frame of the clip as an image (the library's thumbnail), when the provider gives one. */
  poster?: Buffer;
}

/**
 * One video backend, in the three calls of work that runs at the provider: create (once per job; the id it
 * returns is recorded before anything else happens), poll until it ends, download. Every call throws
 * ProviderError (retryable or not) when it fails; `signal` aborts it when the job's time is up.
 */
export interface VideoProvider {
  readonly name: VideoProviderName;
  /** The model used when a request names this provider but no model. */
  readonly defaultModel: string;
  isConfigured(): boolean;
  /**
   * Whether asking to create the same video twice is harmless (nothing is made or billed remotely), so an
   * attempt that lost the id of an earlier create may simply create again.
   */
  readonly repeatableCreate: boolean;
  /** Asks the provider to make the video; returns the provider's id of it. */
  create(request: VideoGenerationRequest, signal: AbortSignal): Promise<string>;
  poll(videoId: string, signal: AbortSignal): Promise<VideoProgress>;
  /** The finished clip and its poster; `request` is the one `create` was given. */
  download(videoId: string, request: VideoGenerationRequest, signal: AbortSignal): Promise<GeneratedVideo>;
  /** Frees the provider's copy of a video nobody will download (a cancelled job); best effort. */
  discard(videoId: string): Promise<void>;
}
