import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import type { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { AudioGenerationService } from '../audio-generation/audio-generation.service';
import { ImageGenerationService } from '../image-generation/image-generation.service';
import { AUDIO_PROVIDER_NAMES, IMAGE_PROVIDER_NAMES, VIDEO_PROVIDER_NAMES } from '../providers/provider-names';
import { VideoGenerationService } from '../video-generation/video-generation.service';
import { RenderedTemplate, TemplatesService } from '../templates/templates.service';
import { requestedContentType, templateWritingDefaults, titleFrom } from './content-options';
import {
  ContentType,
  generateMessages,
  ideasMessages,
  ideasOutput,
  IMPROVE_OUTPUT,
  improveMessages,
  parseIdeasAnswer,
  parseImproveAnswer,
  parseTextAnswer,
} from './content-prompts';
import { ContentResultSaver } from './content-result.saver';
import type {
  FromTemplateDto,
  GenerateContentDto,
  GenerateIdeasDto,
  ImproveContentDto,
} from './dto/content-request.dto';
import type {
  GenerateContentResponseDto,
  IdeasResponseDto,
  ImproveContentResponseDto,
  TemplateContentResponseDto,
} from './dto/content-response.dto';
import { TextGenerationRunner } from './text-generation.runner';

const DEFAULT_IDEAS_COUNT = 5;
/** Options of a from-template request that only text templates use. */
const TEXT_ONLY_OPTIONS = [
  'type',
  'contentType',
  'length',
  'tone',
  'audience',
  'language',
  'temperature',
  'maxTokens',
  'save',
] as const;

/** The options of generateContent(userId, type, prompt, options). */
export type GenerateContentOptions = Omit<GenerateContentDto, 'type' | 'contentType' | 'prompt'>;

/**
 * Text content (docs/ARCHITECTURE.md §5) on the configured OpenAI-compatible endpoints. Every result is saved
 * as a text asset unless `save: false`; a failed generation writes nothing (no asset, no template use).
 * The public API for host apps as well as the controller.
 */
@Injectable()
export class ContentCreationService {
  constructor(
    private readonly runner: TextGenerationRunner,
    private readonly saver: ContentResultSaver,
    private readonly templates: TemplatesService,
    private readonly images: ImageGenerationService,
    private readonly audio: AudioGenerationService,
    private readonly videos: VideoGenerationService,
  ) {}

  /** Generates text as POST /content/generate does: `generateContent(userId, { type, prompt, ... })` or `generateContent(userId, type, prompt, options)`. */
  generateContent(userId: string, input: GenerateContentDto): Promise<GenerateContentResponseDto>;
  generateContent(
    userId: string,
    type: ContentType,
    prompt: string,
    options?: GenerateContentOptions,
  ): Promise<GenerateContentResponseDto>;
  async generateContent(
    userId: string,
    inputOrType: GenerateContentDto | ContentType,
    prompt?: string,
    options: GenerateContentOptions = {},
  ): Promise<GenerateContentResponseDto> {
    const input: GenerateContentDto =
      typeof inputOrType === 'string' ? { ...options, type: inputOrType, prompt: prompt as string } : inputOrType;
    const contentType = requestedContentType(input) ?? 'general';
    const generated = await this.runner.generate(
      userId,
      input,
      { messages: generateMessages({ ...input, contentType }) },
      parseTextAnswer,
    );
    const info = await this.saver.save(userId, generated, {
      operation: 'generate',
      title: input.title ?? titleFrom(input.prompt),
      content: generated.value,
      prompt: input.prompt,
      options: input,
      parameters: { contentType, length: input.length },
    });
    return { success: true, content: generated.value, contentType, ...info };
  }

  async improveContent(userId: string, input: ImproveContentDto): Promise<ImproveContentResponseDto> {
    const generated = await this.runner.generate(
      userId,
      input,
      { messages: improveMessages(input), structuredOutput: IMPROVE_OUTPUT },
      parseImproveAnswer,
    );
    const { improved, suggestions } = generated.value;
    const info = await this.saver.save(userId, generated, {
      operation: 'improve',
      title: input.title ?? titleFrom(`Improved: ${input.original}`),
      content: improved,
      prompt: input.original,
      options: input,
      parameters: { goal: input.goal },
      metadata: { suggestions },
    });
    return { success: true, improved, suggestions, ...info };
  }

  async generateIdeas(userId: string, input: GenerateIdeasDto): Promise<IdeasResponseDto> {
    const count = input.count ?? DEFAULT_IDEAS_COUNT;
    const contentType = requestedContentType(input);
    const generated = await this.runner.generate(
      userId,
      input,
      { messages: ideasMessages({ ...input, count, contentType }), structuredOutput: ideasOutput(count) },
      (text) => parseIdeasAnswer(text, count),
    );
    const ideas = generated.value;
    const info = await this.saver.save(userId, generated, {
      operation: 'ideas',
      title: input.title ?? titleFrom(`${count} ideas: ${input.topic}`),
      content: ideas.map((idea, index) => `${index + 1}. ${idea}`).join('\n'),
      prompt: input.topic,
      options: input,
      parameters: { count, contentType },
      metadata: { ideas },
    });
    return { success: true, ideas, ...info };
  }

  /**
   * Renders a template with the caller's values. Text templates generate now (the template's model and
   * parameters are defaults under the request's options); image templates enqueue an image job (202).
   * The template's usageCount grows only with a saved result (text) or a queued job (image).
   */
  async generateFromTemplate(
    userId: string,
    input: FromTemplateDto,
  ): Promise<TemplateContentResponseDto | JobAcceptedResponseDto> {
    const rendered = await this.templates.renderTemplate(userId, input.templateId, input.variables ?? {});
    const { template } = rendered;
    if (template.type === 'text') return this.generateFromTextTemplate(userId, rendered, input);
    return this.enqueueMediaTemplate(userId, rendered, input);
  }

  private async generateFromTextTemplate(
    userId: string,
    rendered: RenderedTemplate,
    input: FromTemplateDto,
  ): Promise<TemplateContentResponseDto> {
    const { template } = rendered;
    const {
      templateId: _templateId,
      variables: _variables,
      type: _type,
      contentType: _contentType,
      ...requestOptions
    } = input;
    const defaults = templateWritingDefaults(template.parameters);
    // The request's type wins over the template's stored default.
    const contentType = requestedContentType(input) ?? defaults.contentType ?? 'general';
    const options: GenerateContentDto = {
      ...defaults,
      model: template.model ?? undefined,
      ...definedOnly(requestOptions),
      contentType,
      prompt: rendered.prompt,
    };
    const generated = await this.runner.generate(
      userId,
      options,
      { messages: generateMessages({ ...options, contentType }) },
      parseTextAnswer,
    );
    const info = await this.saver.save(userId, generated, {
      operation: 'template',
      title: input.title ?? template.name,
      content: generated.value,
      prompt: rendered.prompt,
      options: { ...options, category: options.category ?? template.category ?? undefined },
      parameters: { contentType, length: options.length, variables: rendered.values },
      templateId: template.id,
    });
    return {
      success: true,
      content: generated.value,
      contentType,
      templateId: template.id,
      prompt: rendered.prompt,
      ...info,
    };
  }

  /** An image, audio or video template: a job of its kind (202), with the request's model and labels. */
  private async enqueueMediaTemplate(
    userId: string,
    rendered: RenderedTemplate,
    input: FromTemplateDto,
  ): Promise<JobAcceptedResponseDto> {
    const { type } = rendered.template;
    const textOnly = TEXT_ONLY_OPTIONS.filter((option) => input[option] !== undefined);
    if (textOnly.length > 0) {
      throw new ValidationError(`These options apply to text templates only: ${textOnly.join(', ')}`, [
        { field: textOnly.join(', '), problems: [`not used by ${type} templates`] },
      ]);
    }
    const labels = definedOnly({ model: input.model, title: input.title, category: input.category, tags: input.tags });
    if (type === 'audio') {
      const provider = providerOf(AUDIO_PROVIDER_NAMES, type, input.provider);
      return this.audio.generateAudioFromTemplate(userId, rendered, { ...labels, provider });
    }
    if (type === 'video') {
      const provider = providerOf(VIDEO_PROVIDER_NAMES, type, input.provider);
      return this.videos.generateVideoFromTemplate(userId, rendered, { ...labels, provider });
    }
    const provider = providerOf(IMAGE_PROVIDER_NAMES, type, input.provider);
    return this.images.generateImageFromTemplate(userId, rendered, { ...labels, provider });
  }
}

/** The request's provider, when it is one of those that make this kind of template's job (400 otherwise). */
function providerOf<Name extends string>(
  names: readonly Name[],
  type: string,
  provider: string | undefined,
): Name | undefined {
  if (provider === undefined || (names as readonly string[]).includes(provider)) return provider as Name | undefined;
  throw new ValidationError(`provider must be one of ${names.join(', ')} for a ${type} template`, [
    { field: 'provider', problems: [`not a provider of ${type} jobs`] },
  ]);
}
