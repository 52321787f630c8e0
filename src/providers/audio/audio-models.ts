import { ValidationError, type FieldProblem } from '../../common/errors';
import type { AudioProviderName } from '../provider-names';

export const AUDIO_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** The built-in voices of OpenAI's speech models. */
export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;

/** What one text-to-speech model accepts (its catalogue entry's capabilities). */
export interface AudioModelSpec {
  maxInputLength: number;
  voices: readonly string[];
  defaultVoice: string;
  formats: readonly AudioFormat[];
  speed: { min: number; max: number };
  /** Whether the model takes `instructions` (tone, accent, pace). */
  instructions: boolean;
}

const OPENAI_TTS: AudioModelSpec = {
  maxInputLength: 4096,
  voices: OPENAI_VOICES,
  defaultVoice: 'alloy',
  formats: AUDIO_FORMATS,
  speed: { min: 0.25, max: 4 },
  instructions: false,
};

/** gpt-4o-mini-tts: steerable with instructions. */
export const OPENAI_STEERABLE_TTS: AudioModelSpec = { ...OPENAI_TTS, instructions: true };
/** tts-1, tts-1-hd. */
export const OPENAI_CLASSIC_TTS: AudioModelSpec = OPENAI_TTS;

/** The placeholder renders WAV only: no encoder is shipped for the others. */
export const PLACEHOLDER_TTS: AudioModelSpec = {
  maxInputLength: 4096,
  voices: ['tone'],
  defaultVoice: 'tone',
  formats: ['wav'],
  speed: { min: 0.25, max: 4 },
  instructions: false,
};

/** Rules of a speech model the catalogue does not list, used when the caller names its provider. */
export const GENERIC_AUDIO_MODELS: Readonly<Record<AudioProviderName, AudioModelSpec>> = {
  openai: { ...OPENAI_STEERABLE_TTS, voices: [...OPENAI_VOICES] },
  placeholder: PLACEHOLDER_TTS,
};

/** A provider-neutral speech request, checked by validateAudioRequest. */
export interface AudioGenerationRequest {
  text: string;
  model: string;
  voice: string;
  format: AudioFormat;
  speed?: number;
  instructions?: string;
}

/** The format a request that names none gets: mp3 where the model makes it (OpenAI's default), else its first. */
export function defaultAudioFormat(spec: AudioModelSpec): AudioFormat {
  return spec.formats.includes('mp3') ? 'mp3' : spec.formats[0];
}

/** Every way `request` breaks its model's rules, as one 400 listing them all. */
export function validateAudioRequest(request: AudioGenerationRequest, spec: AudioModelSpec): void {
  const { model } = request;
  const problems: FieldProblem[] = [];
  if (request.text.trim().length === 0) problems.push({ field: 'text', problems: ['text must not be empty'] });
  if (request.text.length > spec.maxInputLength)
    problems.push({ field: 'text', problems: [`text must be at most ${spec.maxInputLength} characters for ${model}`] });
  if (!spec.voices.includes(request.voice))
    problems.push({ field: 'voice', problems: [`voice must be one of ${spec.voices.join(', ')} for ${model}`] });
  if (!spec.formats.includes(request.format))
    problems.push({ field: 'format', problems: [`format must be one of ${spec.formats.join(', ')} for ${model}`] });
  if (request.speed !== undefined && (request.speed < spec.speed.min || request.speed > spec.speed.max))
    problems.push({
      field: 'speed',
      problems: [`speed must be between ${spec.speed.min} and ${spec.speed.max} for ${model}`],
    });
  if (request.instructions !== undefined && !spec.instructions)
    problems.push({ field: 'instructions', problems: [`instructions are not supported by ${model}`] });
  if (problems.length > 0)
    throw new ValidationError(
      `Invalid request for model ${model}: ${problems.flatMap((p) => p.problems).join('; ')}`,
      problems,
    );
}
