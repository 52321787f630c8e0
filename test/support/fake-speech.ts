import type { ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import {
  AAC_FRAME,
  FLAC_FRAME,
  MP3_FRAME,
  silentAdts,
  silentFlac,
  silentMp3,
  silentOpus,
  silentPcm,
  silentWav,
} from './audio-bytes';

/**
 * POST /v1/audio/speech of the fake provider: real, silent audio of the requested format whose length follows
 * from the input and speed (fakeSpeechDuration), so a test knows the duration the service must read back.
 */

export type SpeechRequestBody = OpenAI.Audio.SpeechCreateParams;
type SpeechFormat = NonNullable<SpeechRequestBody['response_format']>;

/** What the speech route needs of the fake's server: its check of a request against the published schema. */
export interface SpeechRouteTools {
  /** Checks the body against CreateSpeechRequest; on violations the fake has already answered 400. */
  accept(body: unknown): boolean;
}

/** Seconds of speech per input character at speed 1: about what a voice reads aloud. */
const SECONDS_PER_CHARACTER = 0.05;
const OPUS_FRAME_SECONDS = 0.02;

/** The length in seconds of one unit of each format: a frame, or a sample for wav and pcm. */
const UNIT_SECONDS: Record<SpeechFormat, number> = {
  mp3: MP3_FRAME.samples / MP3_FRAME.sampleRate,
  aac: AAC_FRAME.samples / AAC_FRAME.sampleRate,
  flac: FLAC_FRAME.samples / FLAC_FRAME.sampleRate,
  opus: OPUS_FRAME_SECONDS,
  wav: 1 / 24_000,
  pcm: 1 / 24_000,
};

/** The content types the fake answers with (the service reads the bytes, never this header). */
const CONTENT_TYPES: Record<SpeechFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

function unitsOf(format: SpeechFormat, input: string, speed = 1): number {
  return Math.max(1, Math.round((input.length * SECONDS_PER_CHARACTER) / speed / UNIT_SECONDS[format]));
}

/** The exact duration, in seconds, of the audio the fake answers for this input, speed and format. */
export function fakeSpeechDuration(format: SpeechFormat, input: string, speed = 1): number {
  return unitsOf(format, input, speed) * UNIT_SECONDS[format];
}

function render(format: SpeechFormat, units: number): Buffer | Promise<Buffer> {
  switch (format) {
    case 'mp3':
      return silentMp3(units, { id3: true });
    case 'aac':
      return silentAdts(units);
    case 'flac':
      return silentFlac(units);
    case 'opus':
      return silentOpus(units);
    case 'wav':
      return silentWav(units / 24_000);
    case 'pcm':
      return silentPcm(units / 24_000);
  }
}

export async function handleSpeech(res: ServerResponse, body: unknown, tools: SpeechRouteTools): Promise<void> {
  if (!tools.accept(body)) return;
  const request = body as SpeechRequestBody;
  const format = request.response_format ?? 'mp3';
  const bytes = await render(format, unitsOf(format, request.input, request.speed ?? 1));
  res
    .writeHead(200, {
      'content-type': CONTENT_TYPES[format],
      'content-length': bytes.length,
      'x-request-id': 'req_fake_speech',
    })
    .end(bytes);
}
