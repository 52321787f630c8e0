import { Injectable } from '@nestjs/common';
import { definedOnly } from '../common/objects';
import { CatalogueModel, ImageProviderRegistry } from '../providers/image/image-provider.registry';
import type { ListModelsQueryDto } from './dto/list-models-query.dto';
import type { ModelListResponseDto, ModelResponseDto } from './dto/model-response.dto';

/** The model catalogue of this server (built-in entries with MODEL_CATALOGUE_OVERRIDES), for clients and host apps. */
@Injectable()
export class ModelsService {
  constructor(private readonly providers: ImageProviderRegistry) {}

  listModels(query: ListModelsQueryDto = {}): ModelListResponseDto {
    return { items: this.providers.listModels(query).map(toModelResponse) };
  }
}

export function toModelResponse(model: CatalogueModel): ModelResponseDto {
  return definedOnly({
    id: model.id,
    provider: model.provider,
    kinds: [...model.kinds],
    status: model.status,
    shutdownDate: model.shutdownDate,
    successor: model.successor,
    configured: model.configured,
    isDefault: model.isDefault,
    capabilities: { ...model.capabilities },
  });
}
