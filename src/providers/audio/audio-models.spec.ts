import { ValidationError } from '../../common/errors';
import {
  defaultAudioFormat,
  OPENAI_CLASSIC_TTS,
  OPENAI_STEERABLE_TTS,
  PLACEHOLDER_TTS,
  validateAudioRequest,
  type AudioGenerationRequest,
} from './audio-models';

const request = (fields: Partial<AudioGenerationRequest> = {}): AudioGenerationRequest => ({
  text: 'Hello',
  model: 'tts-1',
  voice: 'alloy',
  format: 'mp3',
  ...fields,
});

function problemsOf(fields: Partial<AudioGenerationRequest>, spec = OPENAI_CLASSIC_TTS): string[] {
  try {
    validateAudioRequest(request(fields), spec);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details!.map((detail) => detail.field);
  }
}

describe('validateAudioRequest', () => {
  it('accepts what the model takes', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ instructions: 'Calm', model: 'gpt-4o-mini-tts', speed: 4 }, OPENAI_STEERABLE_TTS)).toEqual([]);
    expect(problemsOf({ voice: 'tone', format: 'wav', speed: 0.25 }, PLACEHOLDER_TTS)).toEqual([]);
  });

  it("lists every way a request breaks its model's rules in one 400", () => {
    expect(
      problemsOf(
        { text: 'x'.repeat(4097), voice: 'alloy', format: 'flac', speed: 5, instructions: 'Calm' },
        PLACEHOLDER_TTS,
      ),
    ).toEqual(['text', 'voice', 'format', 'speed', 'instructions']);
    expect(problemsOf({ instructions: 'Calm' })).toEqual(['instructions']);
    expect(problemsOf({ text: '   ' })).toEqual(['text']);
    expect(problemsOf({ speed: 0.2 })).toEqual(['speed']);
  });

  it('defaults to mp3 where the model makes it, else its first format', () => {
    expect(defaultAudioFormat(OPENAI_CLASSIC_TTS)).toBe('mp3');
    expect(defaultAudioFormat(PLACEHOLDER_TTS)).toBe('wav');
  });
});
