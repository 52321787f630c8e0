import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import type { AssetResponseDto } from '../assets/dto/asset-response.dto';
import { ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import { truncate } from '../common/text';
import { EngineConfig, IMAGE_PROVIDER_NAMES, type ImageProviderName } from '../config/engine-config';
import type { JobDraft } from '../generation-jobs/job-submission.service';
import { validateImageRequest } from '../providers/image/image-models';
import type { ImageProvider } from '../providers/image/image-provider';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { PLACEHOLDER_UPSCALE_FACTORS } from '../providers/image/placeholder-image-edits';
import { readImageShape } from '../storage/image-processing';
import type { EditImageDto, UpscaleImageDto } from './dto/image-studio.dto';
import type { StudioJobParameters } from './studio-job-parameters';

/** An edit or upscale job about to be recorded: its source checked, its provider and model resolved. */
export interface StudioJobDraft extends JobDraft {
  type: 'image_edit' | 'image_upscale';
  parentAssetId: string;
  parameters: StudioJobParameters;
}

/** The factor by which hosted upscalers enlarge at least (Stability's fast upscale: 4×). */
const HOSTED_UPSCALE_FACTOR = 4;
const TITLE_LENGTH = 120;

const problem = (field: string, message: string) => new ValidationError(message, [{ field, problems: [message] }]);

/**
 * Turns Image Studio requests into job drafts (docs/ARCHITECTURE.md §4): the source, mask and references must
 * be images the caller can see (their own or public: 404 otherwise; a public source is read, never changed),
 * the mask must have an alpha channel and the source's size, the provider must be able to do the operation
 * (a 400 naming those that can), and the model's rules hold, all before anything is recorded.
 */
@Injectable()
export class ImageStudioDrafts {
  constructor(
    private readonly providers: ImageProviderRegistry,
    private readonly assets: AssetsService,
    private readonly config: EngineConfig,
  ) {}

  async edit(userId: string, sourceId: string, input: EditImageDto): Promise<StudioJobDraft> {
    const operation = input.operation ?? 'edit';
    const source = await this.sourceImage(userId, sourceId);
    const { provider, model, spec, shutdownDate, warnings } = this.resolve(
      input,
      (candidate) => candidate.editOperations.includes(operation),
      `operation ${operation}`,
    );
    await this.checkMask(userId, operation, input.maskAssetId, source);
    await this.checkReferences(userId, provider, input.referenceAssetIds ?? []);
    if (operation === 'search_and_replace' && !input.searchPrompt)
      throw problem('searchPrompt', 'search_and_replace needs searchPrompt: what to find in the image');
    const n = input.n ?? 1;
    validateImageRequest(
      {
        prompt: input.prompt,
        model,
        n,
        size: input.size,
        quality: input.quality,
        background: input.background,
        outputFormat: input.outputFormat,
        partialImages: input.partialImages,
      },
      spec,
    );
    this.providers.assertConfigured(provider);
    const parameters = definedOnly<StudioJobParameters>({
      operation,
      maskAssetId: input.maskAssetId?.toLowerCase(),
      referenceAssetIds: input.referenceAssetIds?.map((id) => id.toLowerCase()),
      searchPrompt: input.searchPrompt,
      n,
      size: input.size,
      quality: input.quality,
      background: input.background,
      outputFormat: input.outputFormat,
      inputFidelity: input.inputFidelity,
      partialImages: input.partialImages,
      title: input.title ?? truncate(`${operation.replaceAll('_', ' ')}: ${source.title}`, TITLE_LENGTH),
      category: input.category ?? source.category ?? undefined,
      tags: input.tags ?? source.tags,
      warnings: warnings.length > 0 ? warnings : undefined,
    });
    return this.draft({
      type: 'image_edit',
      prompt: input.prompt,
      provider,
      model: provider.studioModel?.(operation) ?? model,
      source,
      parameters,
      priority: input.priority,
      shutdownDate,
    });
  }

  async upscale(userId: string, sourceId: string, input: UpscaleImageDto): Promise<StudioJobDraft> {
    const mode = input.mode ?? 'fast';
    const source = await this.sourceImage(userId, sourceId);
    const { provider, model, shutdownDate } = this.resolve(
      { provider: input.provider },
      (candidate) => candidate.upscaleModes.includes(mode),
      `upscale mode ${mode}`,
    );
    if (provider.upscalePromptModes?.includes(mode) && !input.prompt)
      throw problem('prompt', `A ${mode} upscale with ${provider.name} needs a prompt: what the image shows`);
    const factor = provider.name === 'placeholder' ? PLACEHOLDER_UPSCALE_FACTORS[mode] : HOSTED_UPSCALE_FACTOR;
    const pixels = (source.width ?? 0) * (source.height ?? 0) * factor ** 2;
    if (pixels > this.config.storage.maxImagePixels) {
      throw problem(
        'mode',
        `Upscaled ${factor}× the image would have ${pixels} pixels, over this server's limit of ${this.config.storage.maxImagePixels} (STORAGE_MAX_IMAGE_PIXELS)`,
      );
    }
    this.providers.assertConfigured(provider);
    const parameters = definedOnly<StudioJobParameters>({
      operation: 'upscale',
      mode,
      n: 1,
      outputFormat: input.outputFormat,
      title: input.title ?? truncate(`upscaled: ${source.title}`, TITLE_LENGTH),
      category: input.category ?? source.category ?? undefined,
      tags: input.tags ?? source.tags,
    });
    return this.draft({
      type: 'image_upscale',
      prompt: input.prompt ?? '',
      provider,
      model: provider.studioModel?.('upscale', mode) ?? model,
      source,
      parameters,
      priority: input.priority,
      shutdownDate,
    });
  }

  private draft(draft: {
    type: StudioJobDraft['type'];
    prompt: string;
    provider: ImageProvider;
    model: string;
    source: AssetResponseDto;
    parameters: StudioJobParameters;
    priority: number | undefined;
    shutdownDate: string | undefined;
  }): StudioJobDraft {
    return {
      type: draft.type,
      prompt: draft.prompt,
      provider: draft.provider.name,
      model: draft.model,
      parameters: draft.parameters,
      parentAssetId: draft.source.id,
      priority: draft.priority ?? 0,
      modelShutdownDate: draft.shutdownDate,
    };
  }

  /** An image asset the caller can see: 404 otherwise, 400 when it is no image. */
  private async sourceImage(userId: string, id: string): Promise<AssetResponseDto> {
    const asset = await this.assets.getAsset(userId, id);
    if (asset.type !== 'image')
      throw problem('assetId', `Asset ${id} is a ${asset.type} asset: only images can be edited`);
    return asset;
  }

  /**
   * The provider named, else the one of the model named, else the first configured that can do `what`
   * (IMAGE_DEFAULT_PROVIDER first); one that cannot is a 400 naming those that can.
   */
  private resolve(
    selection: { provider?: ImageProviderName; model?: string },
    can: (provider: ImageProvider) => boolean,
    what: string,
  ) {
    const capable = IMAGE_PROVIDER_NAMES.filter((name) => can(this.providers.get(name)));
    const preferred = [this.config.imageGeneration.defaultProvider, ...capable].filter(
      (name): name is ImageProviderName => name !== undefined && capable.includes(name),
    );
    const fallback = preferred.find((name) => this.providers.get(name).isConfigured()) ?? preferred[0];
    const resolved = this.providers.resolve({
      provider: selection.provider ?? (selection.model ? undefined : fallback),
      model: selection.model,
    });
    if (!can(resolved.provider)) {
      const field = selection.provider || !selection.model ? 'provider' : 'model';
      throw problem(
        field,
        `${what} is not available with provider ${resolved.provider.name}; providers that can: ${capable.join(', ')}`,
      );
    }
    return resolved;
  }

  /** A mask: an image the caller can see, with an alpha channel, exactly the source's size. */
  private async checkMask(
    userId: string,
    operation: string,
    maskId: string | undefined,
    source: AssetResponseDto,
  ): Promise<void> {
    if (!maskId) {
      if (operation === 'inpaint') throw problem('maskAssetId', 'inpaint needs maskAssetId: where to paint');
      return;
    }
    const mask = await this.assets.readImageBytes(userId, maskId);
    const shape = await readImageShape(mask.bytes, this.config.storage.maxImagePixels);
    if (!shape.hasAlpha)
      throw problem('maskAssetId', `Mask ${maskId} has no alpha channel: its transparent pixels mark where to edit`);
    if (shape.width !== source.width || shape.height !== source.height) {
      throw problem(
        'maskAssetId',
        `Mask ${maskId} is ${shape.width}x${shape.height}; it must be the size of the source, ${source.width}x${source.height}`,
      );
    }
  }

  /** References: images the caller can see, for a provider that takes them. */
  private async checkReferences(userId: string, provider: ImageProvider, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    if (!provider.editReferences) {
      const able = IMAGE_PROVIDER_NAMES.filter((name) => this.providers.get(name).editReferences);
      throw problem(
        'referenceAssetIds',
        `Provider ${provider.name} takes no reference images; providers that do: ${able.join(', ')}`,
      );
    }
    for (const id of ids) {
      const reference = await this.assets.getAsset(userId, id);
      if (reference.type !== 'image')
        throw problem('referenceAssetIds', `Reference ${id} is a ${reference.type} asset, not an image`);
    }
  }
}
