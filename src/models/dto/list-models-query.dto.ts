import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { MODEL_KINDS, type ModelKind } from '../../providers/catalogue/model-catalogue';
import { IMAGE_PROVIDER_NAMES, type ImageProviderName } from '../../providers/provider-names';

export class ListModelsQueryDto {
  @ApiPropertyOptional({ enum: MODEL_KINDS, description: 'Only the models of this kind' })
  @IsOptional()
  @IsIn(MODEL_KINDS)
  kind?: ModelKind;

  @ApiPropertyOptional({ enum: IMAGE_PROVIDER_NAMES, description: 'Only the models of this provider' })
  @IsOptional()
  @IsIn(IMAGE_PROVIDER_NAMES)
  provider?: ImageProviderName;
}
