import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import type { SaveAssetInput } from '../assets/save-asset-input';
import { definedOnly } from '../common/objects';
import { TemplatesService } from '../templates/templates.service';
import type { ContentOptionsDto } from './dto/content-request.dto';
import { CONTENT_LIMITS } from './dto/content-request.dto';
import type { GenerationInfoDto } from './dto/content-response.dto';
import type { GeneratedText } from './text-generation.runner';
import { assetCreatedEvent, CREATIVE_EVENTS, CreativeEvents } from '../events/creative-events';

export const CONTENT_SOURCE_MODULE = 'content_creation';

/** What is stored with the saved asset, besides the result. */
export interface ContentSaveRequest {
  operation: 'generate' | 'improve' | 'ideas' | 'template';
  title: string;
  content: string;
  prompt: string;
  options: ContentOptionsDto;
  parameters: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  templateId?: string;
}

/** Keeps a generated text: a text asset (unless `save: false`) and the use of its template, in one transaction. */
@Injectable()
export class ContentResultSaver {
  constructor(
    private readonly assets: AssetsService,
    private readonly templates: TemplatesService,
    private readonly events: CreativeEvents,
  ) {}

  async save(
    userId: string,
    generated: GeneratedText<unknown>,
    request: ContentSaveRequest,
  ): Promise<GenerationInfoDto> {
    const { completion, usage, cost } = generated;
    const info: Omit<GenerationInfoDto, 'assetId'> = {
      provider: completion.provider,
      model: completion.model,
      usage: usage && {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        totalTokens: usage.totalTokens,
      },
      cost,
      generationTimeMs: generated.generationTimeMs,
    };
    const asset = await this.templates.withTemplateUse(request.templateId, async (tx) =>
      request.options.save === false
        ? null
        : this.assets.saveAsset(userId, this.assetInput(generated, request, info), { tx }),
    );
    if (asset) this.events.emit(CREATIVE_EVENTS.assetCreated, assetCreatedEvent(asset));
    return { ...info, assetId: asset?.id ?? null };
  }

  private assetInput(
    generated: GeneratedText<unknown>,
    request: ContentSaveRequest,
    info: Omit<GenerationInfoDto, 'assetId'>,
  ): SaveAssetInput {
    const { options } = request;
    return {
      type: 'text',
      sourceModule: CONTENT_SOURCE_MODULE,
      title: request.title,
      content: request.content,
      prompt: request.prompt.slice(0, CONTENT_LIMITS.originalLength),
      provider: info.provider,
      model: info.model,
      cost: info.cost ?? undefined,
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
        cachedInputTokens: generated.usage?.cachedInputTokens,
        attempts: generated.attempts,
        finishReason: generated.completion.finishReason,
        templateId: request.templateId,
        ...request.metadata,
      }),
    };
  }
}
