import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Trim } from '../../common/validation';
import { AUDIO_FORMATS, OPENAI_VOICES, type AudioFormat } from '../../providers/audio/audio-models';
import { AUDIO_PROVIDER_NAMES, type AudioProviderName } from '../../providers/provider-names';
import { GenerationLabelsDto, ModelNameProperty } from '../../generation-jobs/dto/generation-labels.dto';

/** Upper bounds of the HTTP shape; each model's own rules (voices, formats, instructions) are checked by the service. */
export const AUDIO_REQUEST_LIMITS = {
  maxTextLength: 4096,
  maxInstructionsLength: 4096,
  speed: { min: 0.25, max: 4 },
} as const;

/** The speech fields of POST /audio/generate (GenerateAudioDto adds the job's priority and the asset's labels). */
class SpeechRequestFields {
  @ApiProperty({ maxLength: AUDIO_REQUEST_LIMITS.maxTextLength, example: 'Welcome to the autumn menu.' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(AUDIO_REQUEST_LIMITS.maxTextLength)
  text: string;

  @ApiPropertyOptional({
    example: 'coral',
    description: `Defaults to the model's own; OpenAI models: ${OPENAI_VOICES.join(', ')}; placeholder-tts: tone (GET /models lists each model's voices)`,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'voice must be a voice name (letters, digits, _ -; at most 64)' })
  voice?: string;

  @ModelNameProperty('audio', 'gpt-4o-mini-tts')
  model?: string;

  @ApiPropertyOptional({
    enum: AUDIO_PROVIDER_NAMES,
    description: 'Defaults to the provider serving `model`, else the configured default',
  })
  @IsOptional()
  @IsIn(AUDIO_PROVIDER_NAMES)
  provider?: AudioProviderName;

  @ApiPropertyOptional({
    enum: AUDIO_FORMATS,
    default: 'mp3',
    description: 'mp3 by default (wav for the placeholder, which renders only wav); pcm is raw 24 kHz 16-bit mono',
  })
  @IsOptional()
  @IsIn(AUDIO_FORMATS)
  format?: AudioFormat;

  @ApiPropertyOptional({ minimum: AUDIO_REQUEST_LIMITS.speed.min, maximum: AUDIO_REQUEST_LIMITS.speed.max, default: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(AUDIO_REQUEST_LIMITS.speed.min)
  @Max(AUDIO_REQUEST_LIMITS.speed.max)
  speed?: number;

  @ApiPropertyOptional({
    maxLength: AUDIO_REQUEST_LIMITS.maxInstructionsLength,
    example: 'Warm and unhurried, like a radio host',
    description: 'Tone, accent, pace: only for models that take instructions (gpt-4o-mini-tts)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(AUDIO_REQUEST_LIMITS.maxInstructionsLength)
  instructions?: string;
}

/** POST /audio/generate: text to speech, queued as an audio_generation job. */
export class GenerateAudioDto extends IntersectionType(SpeechRequestFields, GenerationLabelsDto) {}
