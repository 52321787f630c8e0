import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import { ProviderError, ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import { truncate } from '../common/text';
import { EngineConfig } from '../config/engine-config';
import { UserLimitsService } from '../limits/user-limits.service';
import type { GenerateImageDto, GenerateImageResponseDto } from '../image-generation/dto/generate-image.dto';
import { ImageGenerationService } from '../image-generation/image-generation.service';
import { PrismaService } from '../prisma/prisma.service';
import { textCost } from '../providers/pricing';
import { TextProviderRegistry } from '../providers/text/text-provider.registry';
import type { TextCompletion, TextCompletionRequest, TextUsage } from '../providers/text/text-provider';
import { TemplatesService } from '../templates/templates.service';
import {
  CONTENT_LENGTH_NAMES,
  CONTENT_TYPES,
  ContentLength,
  ContentType,
  generateMessages,
  ideasMessages,
  ideasOutput,
  IMPROVE_OUTPUT,
  improveMessages,
  parseIdeasAnswer,
  parseImproveAnswer,
  parseTextAnswer,
  ParsedAnswer,
} from './content-prompts';
import type { ContentOptionsDto, FromTemplateDto, GenerateContentDto, GenerateIdeasDto, ImproveContentDto, WritingOptionsDto } from './dto/content-request.dto';
import { CONTENT_LIMITS } from './dto/content-request.dto';
import type {
  GenerateContentResponseDto,
  GenerationInfoDto,
  IdeasResponseDto,
  ImproveContentResponseDto,
  TemplateContentResponseDto,
} from './dto/content-response.dto';

export const CONTENT_SOURCE_MODULE = 'content_creation';

/** A malformed or wrong-sized answer is asked for once more, then the request fails with a 502. */
export const ANSWER_ATTEMPTS = 2;

const DEFAULT_IDEAS_COUNT = 5;
const TITLE_LENGTH = 80;
/** Options of a from-template request that only text templates use. */
const TEXT_ONLY_OPTIONS = ['type', 'contentType', 'length', 'tone', 'audience', 'language', 'temperature', 'maxTokens', 'save'] as const;

export type GenerateContentInput = GenerateContentDto;
/** The options of generateContent(userId, type, prompt, options). */
export type GenerateContentOptions = Omit<GenerateContentDto, 'type' | 'contentType' | 'prompt'>;
export type ImproveContentInput = ImproveContentDto;
export type GenerateIdeasInput = GenerateIdeasDto;
export type FromTemplateInput = FromTemplateDto;

/** A validated answer with what producing it took. */
interface Generated<T> {
  value: T;
  completion: TextCompletion;
  model: string;
  usage: TextUsage | null;
  attempts: number;
  generationTimeMs: number;
}

/** What is stored with the saved asset, besides the result. */
interface SaveRequest {
  operation: 'generate' | 'improve' | 'ideas' | 'template';
  title: string;
  content: string;
  prompt: string;
  options: ContentOptionsDto;
  parameters: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  templateId?: string;
}

/**
 * Text content (docs/ARCHITECTURE.md §5) on the configured OpenAI-compatible endpoints. Every result is saved
 * as a text asset unless `save: false`; a failed generation writes nothing (no asset, no template use).
 * The public API for host apps as well as the controller.
 */
@Injectable()
export class ContentCreationService {
  constructor(
    private readonly providers: TextProviderRegistry,
    private readonly templates: TemplatesService,
    private readonly assets: AssetsService,
    private readonly images: ImageGenerationService,
    private readonly prisma: PrismaService,
    private readonly config: EngineConfig,
    private readonly limits: UserLimitsService,
  ) {}

  /** Generates text as POST /content/generate does: `generateContent(userId, { type, prompt, ... })` or `generateContent(userId, type, prompt, options)`. */
  generateContent(userId: string, input: GenerateContentInput): Promise<GenerateContentResponseDto>;
  generateContent(userId: string, type: ContentType, prompt: string, options?: GenerateContentOptions): Promise<GenerateContentResponseDto>;
  async generateContent(
    userId: string,
    inputOrType: GenerateContentInput | ContentType,
    prompt?: string,
    options: GenerateContentOptions = {},
  ): Promise<GenerateContentResponseDto> {
    const input: GenerateContentInput = typeof inputOrType === 'string' ? { ...options, type: inputOrType, prompt: prompt as string } : inputOrType;
    const contentType = requestedContentType(input) ?? 'general';
    const generated = await this.generate(userId, input, { messages: generateMessages({ ...input, contentType }) }, parseTextAnswer);
    const info = await this.save(userId, generated, {
      operation: 'generate',
      title: input.title ?? truncate(input.prompt, TITLE_LENGTH),
      content: generated.value,
      prompt: input.prompt,
      options: input,
      parameters: { contentType, length: input.length },
    });
    return { success: true, content: generated.value, contentType, ...info };
  }

  async improveContent(userId: string, input: ImproveContentInput): Promise<ImproveContentResponseDto> {
    const generated = await this.generate(userId, input, { messages: improveMessages(input), structuredOutput: IMPROVE_OUTPUT }, parseImproveAnswer);
    const { improved, suggestions } = generated.value;
    const info = await this.save(userId, generated, {
      operation: 'improve',
      title: input.title ?? truncate(`Improved: ${input.original}`, TITLE_LENGTH),
      content: improved,
      prompt: input.original,
      options: input,
      parameters: { goal: input.goal },
      metadata: { suggestions },
    });
    return { success: true, improved, suggestions, ...info };
  }

  async generateIdeas(userId: string, input: GenerateIdeasInput): Promise<IdeasResponseDto> {
    const count = input.count ?? DEFAULT_IDEAS_COUNT;
    const contentType = requestedContentType(input);
    const generated = await this.generate(
      userId,
      input,
      { messages: ideasMessages({ ...input, count, contentType }), structuredOutput: ideasOutput(count) },
      (text) => parseIdeasAnswer(text, count),
    );
    const ideas = generated.value;
    const info = await this.save(userId, generated, {
      operation: 'ideas',
      title: input.title ?? truncate(`${count} ideas: ${input.topic}`, TITLE_LENGTH),
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
  async generateFromTemplate(userId: string, input: FromTemplateInput): Promise<TemplateContentResponseDto | GenerateImageResponseDto> {
    const rendered = await this.templates.renderTemplate(userId, input.templateId, input.variables ?? {});
    const { template } = rendered;
    if (template.type === 'image') return this.enqueueImageTemplate(userId, input);
    if (template.type !== 'text') {
      throw new ValidationError(`Template ${template.id} is a ${template.type} template: only text and image templates can be generated from`, [
        { field: 'templateId', problems: [`${template.type} templates are not supported`] },
      ]);
    }

    const { templateId: _templateId, variables: _variables, type: _type, contentType: _contentType, ...requestOptions } = input;
    const defaults = templateWritingDefaults(template.parameters);
    // The request's type wins over the template's stored default.
    const contentType = requestedContentType(input) ?? defaults.contentType ?? 'general';
    const options: GenerateContentInput = {
      ...defaults,
      model: template.model ?? undefined,
      ...definedOnly(requestOptions),
      contentType,
      prompt: rendered.prompt,
    };
    const generated = await this.generate(userId, options, { messages: generateMessages({ ...options, contentType }) }, parseTextAnswer);
    const info = await this.save(userId, generated, {
      operation: 'template',
      title: input.title ?? template.name,
      content: generated.value,
      prompt: rendered.prompt,
      options: { ...options, category: options.category ?? template.category ?? undefined },
      parameters: { contentType, length: options.length, variables: rendered.values },
      templateId: template.id,
    });
    return { success: true, content: generated.value, contentType, templateId: template.id, prompt: rendered.prompt, ...info };
  }

  private async enqueueImageTemplate(userId: string, input: FromTemplateInput): Promise<GenerateImageResponseDto> {
    const textOnly = TEXT_ONLY_OPTIONS.filter((option) => input[option] !== undefined);
    if (textOnly.length > 0) {
      throw new ValidationError(`These options apply to text templates only: ${textOnly.join(', ')}`, [
        { field: textOnly.join(', '), problems: ['not used by image templates'] },
      ]);
    }
    const request: GenerateImageDto = definedOnly({
      templateId: input.templateId,
      variables: input.variables ?? {},
      model: input.model,
      provider: input.provider as GenerateImageDto['provider'],
      title: input.title,
      category: input.category,
      tags: input.tags,
    });
    return this.images.generateImage(userId, request);
  }

  /**
   * One generation: routes to an endpoint (503 when none is configured), calls it, and validates the
   * answer, asking once more when it is malformed. Transport failures (429, 5xx, timeouts) are retried by
   * the provider's SDK; a refusal fails at once with CONTENT_POLICY_VIOLATION. Nothing is sent once the
   * user's daily budget is spent (402).
   */
  private async generate<T>(
    userId: string,
    options: ContentOptionsDto,
    request: Pick<TextCompletionRequest, 'messages' | 'structuredOutput'>,
    parse: (text: string) => ParsedAnswer<T>,
  ): Promise<Generated<T>> {
    const { provider, model } = this.providers.resolve({ model: options.model, provider: options.provider });
    await this.limits.assertWithinDailyBudget(userId);
    const started = Date.now();
    const usages: (TextUsage | null)[] = [];
    let problem = '';
    for (let attempt = 1; attempt <= ANSWER_ATTEMPTS; attempt++) {
      const completion = await provider.complete({ ...request, model, temperature: options.temperature, maxOutputTokens: options.maxTokens });
      usages.push(completion.usage);
      const parsed = parse(completion.text);
      if (parsed.ok) {
        return { value: parsed.value, completion, model, usage: sumUsage(usages), attempts: attempt, generationTimeMs: Date.now() - started };
      }
      problem = parsed.problem;
    }
    throw new ProviderError(`${provider.name} gave no usable answer after ${ANSWER_ATTEMPTS} attempts: ${problem}`, true, { provider: provider.name });
  }

  /** Saves the result (unless save: false) and counts the template use, in one transaction. */
  private async save(userId: string, generated: Generated<unknown>, request: SaveRequest): Promise<GenerationInfoDto> {
    const { completion, usage } = generated;
    // The requested model's price, else the reported model's (endpoints may answer with a dated snapshot name).
    const cost = usage && (textCost(this.config.pricing, generated.model, usage) ?? textCost(this.config.pricing, completion.model, usage));
    const info: Omit<GenerationInfoDto, 'assetId'> = {
      provider: completion.provider,
      model: completion.model,
      usage: usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens },
      cost,
      generationTimeMs: generated.generationTimeMs,
    };
    const { options } = request;
    const assetId = await this.prisma.$transaction(async (tx) => {
      if (request.templateId) await this.templates.recordTemplateUse(request.templateId, tx);
      if (options.save === false) return null;
      const asset = await this.assets.saveAsset(
        userId,
        {
          type: 'text',
          sourceModule: CONTENT_SOURCE_MODULE,
          title: request.title,
          content: request.content,
          prompt: request.prompt.slice(0, CONTENT_LIMITS.originalLength),
          provider: info.provider,
          model: info.model,
          cost: cost ?? undefined,
          generationTimeMs: info.generationTimeMs,
          tags: options.tags,
          category: options.category,
          parameters: definedOnly({
            ...request.parameters,
            tone: options.tone,
            audience: options.audience,
            language: options.language,
            temperature: options.temperature,
            maxTokens: options.maxTokens,
          }),
          metadata: definedOnly({
            operation: request.operation,
            usage: info.usage,
            cachedInputTokens: usage?.cachedInputTokens,
            attempts: generated.attempts,
            finishReason: completion.finishReason,
            templateId: request.templateId,
            ...request.metadata,
          }),
        },
        { tx },
      );
      return asset.id;
    });
    return { ...info, assetId };
  }
}

/** Usage over all attempts (every attempt is billed); unknown when any attempt reported none. */
function sumUsage(usages: (TextUsage | null)[]): TextUsage | null {
  if (usages.some((usage) => usage === null)) return null;
  return (usages as TextUsage[]).reduce((sum, usage) => ({
    inputTokens: sum.inputTokens + usage.inputTokens,
    outputTokens: sum.outputTokens + usage.outputTokens,
    cachedInputTokens: sum.cachedInputTokens + usage.cachedInputTokens,
    totalTokens: sum.totalTokens + usage.totalTokens,
  }));
}

/**
 * The content type a request asks for: `type`, or `contentType` (its older name, still accepted); both
 * with different values is a 400, as is a type that does not exist (host apps skip the DTO's checks).
 */
function requestedContentType(input: { type?: ContentType; contentType?: ContentType }): ContentType | undefined {
  const { type, contentType } = input;
  if (type !== undefined && contentType !== undefined && type !== contentType) {
    throw new ValidationError(`type (${type}) and contentType (${contentType}) disagree: send only type (contentType is its older name)`, [
      { field: 'type', problems: ['type and contentType must be equal when both are sent'] },
    ]);
  }
  const requested = type ?? contentType;
  if (requested !== undefined && !CONTENT_TYPES.includes(requested)) {
    throw new ValidationError(`type must be one of: ${CONTENT_TYPES.join(', ')}`, [{ field: 'type', problems: [`type must be one of: ${CONTENT_TYPES.join(', ')}`] }]);
  }
  return requested;
}

/**
 * Writing options a text template stores in `parameters` (e.g. the defaults' contentType and length).
 * Only known keys with valid values are used, so a hand-edited template never breaks a request.
 */
function templateWritingDefaults(parameters: unknown): Partial<WritingOptionsDto> {
  if (typeof parameters !== 'object' || parameters === null) return {};
  const { contentType, length, tone, audience, language, temperature } = parameters as Record<string, unknown>;
  const text = (value: unknown, max: number) => (typeof value === 'string' && value.trim() && value.length <= max ? value.trim() : undefined);
  return definedOnly({
    contentType: CONTENT_TYPES.includes(contentType as ContentType) ? (contentType as ContentType) : undefined,
    length: CONTENT_LENGTH_NAMES.includes(length as ContentLength) ? (length as ContentLength) : undefined,
    tone: text(tone, CONTENT_LIMITS.toneLength),
    audience: text(audience, CONTENT_LIMITS.audienceLength),
    language: text(language, CONTENT_LIMITS.languageLength),
    temperature: typeof temperature === 'number' && temperature >= 0 && temperature <= 2 ? temperature : undefined,
  });
}
