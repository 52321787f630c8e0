import { OmitType } from '@nestjs/swagger';
import { ListAssetsQueryDto } from '../../assets/dto/list-assets-query.dto';

/** GET /images: the asset list's filters, the type being fixed to image. */
export class ListImagesQueryDto extends OmitType(ListAssetsQueryDto, ['type'] as const) {}
