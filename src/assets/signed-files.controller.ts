import { Get, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrorResponse } from '../common/error-response.dto';
import { EnumParam, UuidParam } from '../common/validation';
import { SignedLinkController } from '../http/creative-controller.decorator';
import { sendAssetFile, ServesAssetBytes } from './asset-file-response';
import { AssetsService } from './assets.service';
import { SignedLinkQueryDto } from './dto/signed-link-query.dto';
import { LINK_VARIANTS, type LinkVariant } from './signed-links';

@SignedLinkController('assets')
export class SignedFilesController {
  constructor(private readonly assets: AssetsService) {}

  @Get('signed/asset/:id/:variant')
  @ServesAssetBytes()
  @ApiOperation({
    summary:
      'An asset file or thumbnail through the signedUrl / signedThumbnailUrl of an asset answer: no Authorization header, until the link expires',
  })
  @ApiProduces('image/*', 'video/*', 'audio/*', 'text/plain')
  @ApiOkResponse({ description: 'The bytes, cacheable privately until the link expires' })
  @ApiErrorResponse(403, 'The link is forged, altered or expired', 'FORBIDDEN')
  @ApiErrorResponse(404, 'The asset (or its thumbnail) no longer exists')
  async get(
    @UuidParam() id: string,
    @EnumParam('variant', LINK_VARIANTS) variant: LinkVariant,
    @Query() query: SignedLinkQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    const file = await this.assets.getSignedAssetFile(
      { assetId: id, variant, expires: query.expires },
      query.signature,
    );
    const maxAge = Math.max(0, query.expires - Math.floor(Date.now() / 1000));
    return sendAssetFile(file, request, response, `private, max-age=${maxAge}`);
  }
}
