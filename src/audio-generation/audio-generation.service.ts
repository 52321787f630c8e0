import { Injectable } from '@nestjs/common';
import { definedOnly, pickTypedFields } from '../common/objects';
import type { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { JobSubmissionService, type JobDraft, type SubmitOptions } from '../generation-jobs/job-submission.service';
import { defaultAudioFormat, validateAudioRequest } from '../providers/audio/audio-models';
import { AudioProviderRegistry } from '../providers/audio/audio-provider.registry';
import type { AudioJobParameters } from './audio-job-parameters';
import type { RenderedTemplate } from '../templates/templates.service';
import type { GenerateAudioDto } from './dto/generate-audio.dto';

/** The fields of an audio request besides its text, when the text comes from a template. */
export type TemplateAudioInput = Omit<GenerateAudioDto, 'text'>;

/** The speech parameters a template stores, each kept only with the right type; the model's rules check them. */
const pickAudioParameters = (json: unknown) =>
  pickTypedFields(json, {
    strings: ['voice', 'format', 'instructions'],
    numbers: ['speed'],
  }) as Partial<GenerateAudioDto>;

/**
 * Text to speech (docs/ARCHITECTURE.md §4): resolves the provider and model, checks the request against the
 * model's rules (one 400 naming every problem) and hands the job to JobSubmissionService, which records it
 * within the user's caps and enqueues it; the worker (AudioJobHandler) does the rest. The public API for
 * host apps as well as the controller.
 */
@Injectable()
export class AudioGenerationService {
  constructor(
    private readonly providers: AudioProviderRegistry,
    private readonly submissions: JobSubmissionService,
  ) {}

  generateAudio(userId: string, input: GenerateAudioDto, options: SubmitOptions = {}): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'generate-audio', body: input }, options, () => this.draft(input));
  }

  /**
   * Speech from an audio template the caller has already rendered (POST /content/from-template): its text is
   * the rendered prompt; its model and parameters (voice, format, speed, instructions) are defaults under the
   * request's own.
   */
  generateAudioFromTemplate(
    userId: string,
    rendered: RenderedTemplate,
    input: TemplateAudioInput = {},
  ): Promise<JobAcceptedResponseDto> {
    const request: GenerateAudioDto = {
      ...pickAudioParameters(rendered.template.parameters),
      model: input.provider ? undefined : (rendered.template.model ?? undefined),
      ...definedOnly(input),
      text: rendered.prompt,
    };
    return this.submissions.submit(userId, { kind: 'generate-audio', body: request }, {}, () =>
      this.draft(request, rendered.template.id),
    );
  }

  private draft(input: GenerateAudioDto, templateId?: string): JobDraft {
    const { provider, model, spec, shutdownDate, warnings } = this.providers.resolve({
      provider: input.provider,
      model: input.model,
    });
    const request = {
      text: input.text.trim(),
      model,
      voice: input.voice ?? spec.defaultVoice,
      format: input.format ?? defaultAudioFormat(spec),
      speed: input.speed,
      instructions: input.instructions?.trim() || undefined,
    };
    validateAudioRequest(request, spec);
    this.providers.assertConfigured(provider);
    const parameters: AudioJobParameters = definedOnly({
      voice: request.voice,
      format: request.format,
      speed: request.speed,
      instructions: request.instructions,
      title: input.title,
      category: input.category,
      tags: input.tags,
      warnings: warnings.length > 0 ? warnings : undefined,
    });
    return {
      type: 'audio_generation',
      prompt: request.text,
      provider: provider.name,
      model,
      parameters,
      priority: input.priority ?? 0,
      templateId,
      modelShutdownDate: shutdownDate,
    };
  }
}
