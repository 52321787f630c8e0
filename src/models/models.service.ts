import { Injectable } from '@nestjs/common';
import { definedOnly } from '../common/objects';
import { EngineConfig } from '../config/engine-config';
import { findPrice } from '../providers/pricing';
import { catalogueKindOf, type ModelCatalogueEntry } from '../providers/catalogue/model-catalogue';
import { ModelCatalogue } from '../providers/catalogue/model-catalogue.service';
import type { ProviderAvailability } from '../providers/catalogue/provider-availability';
import { AudioProviderRegistry } from '../providers/audio/audio-provider.registry';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { VideoProviderRegistry } from '../providers/video/video-provider.registry';
import type { ListModelsQueryDto } from './dto/list-models-query.dto';
import type { ModelListResponseDto, ModelResponseDto } from './dto/model-response.dto';

/** The model catalogue of this server (built-in entries with MODEL_CATALOGUE_OVERRIDES), for clients and host apps. */
@Injectable()
export class ModelsService {
  private readonly registries: readonly ProviderAvailability[];

  constructor(
    private readonly config: EngineConfig,
    private readonly catalogue: ModelCatalogue,
    private readonly images: ImageProviderRegistry,
    audio: AudioProviderRegistry,
    videos: VideoProviderRegistry,
  ) {
    this.registries = [images, audio, videos];
  }

  listModels(query: ListModelsQueryDto = {}): ModelListResponseDto {
    return { items: this.catalogue.list(query).map((entry) => this.toModelResponse(entry)) };
  }

  private toModelResponse(entry: ModelCatalogueEntry): ModelResponseDto {
    const kind = catalogueKindOf(entry.kinds);
    const registry = this.registries.find((candidate) => candidate.kind === kind);
    // The Image Studio's operations belong to the provider: every image model of it offers the same.
    const studio = kind === 'image' ? this.images.get(entry.provider) : undefined;
    return definedOnly({
      id: entry.id,
      provider: entry.provider,
      kinds: [...entry.kinds],
      status: entry.status,
      shutdownDate: entry.shutdownDate,
      successor: entry.successor,
      configured: registry?.isConfigured(entry.provider) ?? false,
      isDefault: registry?.isDefaultModel(entry.provider, entry.id) ?? false,
      capabilities: { ...entry.capabilities },
      editOperations: studio && [...studio.editOperations],
      upscaleModes: studio && [...studio.upscaleModes],
      pricing: (findPrice<object>(this.config.pricing[kind], entry.id) ?? null) as Record<string, unknown> | null,
    });
  }
}
