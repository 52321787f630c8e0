import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Trim } from '../../common/validation';
import { AUDIO_FORMATS, OPENAI_VOICES, type AudioFormat } from '../../providers/audio/audio-models';
import { builtInActiveModels } from '../../providers/catalogue/model-catalogue';
import { AUDIO_PROVIDER_NAMES, type AudioProviderName } from '../../providers/provider-names';
import { GenerationLabelsDto } from '../../generation-jobs/dto/generation-labels.dto';

/** Upper bounds of the HTTP shape; each model's own rules (voices, formats, instructions) are checked by the service. */
export const AUDIO_REQUEST_LIMITS = {
  maxTextLength: 4096,
  maxInstructionsLength: 4096,
  speed: { min: 0.25, max: 4 },
} as const;

const ACTIVE_MODEL_IDS = builtInActiveModels('audio');

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

  @ApiPropertyOptional({
    example: 'gpt-4o-mini-tts',
    description: `The built-in active models: ${ACTIVE_MODEL_IDS.join(', ')} (GET /models lists the catalogue of this server, with retired models and their successors)`,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, {
    message: 'model must be a model name (letters, digits, . _ : / -; at most 100)',
  })
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
