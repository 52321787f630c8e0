import {
  Body,
  Get,
  Header,
  HttpCode,
  Patch,
  Post,
  Delete,
  Query,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { ApiErrorResponse } from '../common/error-response.dto';
import { UuidParam } from '../common/validation';
import { JSON_CONTENT_TYPE } from '../common/json-body';
import { AssetStatsService } from './asset-stats.service';
import { sendAssetFile, ServesAssetBytes } from './asset-file-response';
import { AssetsService } from './assets.service';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { AssetUploadsService } from './asset-uploads.service';
import { UPLOAD_FORM_SCHEMA, UPLOAD_FILE_FIELD } from './dto/upload-asset.dto';
import { UploadSizeInterceptor } from './upload-size.interceptor';
import type { SpooledUpload } from './upload-spool';
import { UploadAssetDto } from './dto/upload-asset.dto';
import {
  AddTagsDto,
  FavoriteResponseDto,
  RecordUsageDto,
  SetFavoriteDto,
  UsageResponseDto,
} from './dto/asset-actions.dto';
import { AssetPageResponseDto } from './dto/asset-page-response.dto';
import { AssetResponseDto } from './dto/asset-response.dto';
import { LineageResponseDto } from './dto/lineage-response.dto';
import { type AssetStatsJson, AssetStatsResponseDto } from './dto/asset-stats.dto';
import { CreatedRangeQueryDto, ListAssetsQueryDto } from './dto/list-assets-query.dto';
import { UpdateAssetDto } from './dto/update-asset.dto';

const NOT_FOUND = 'No such asset, or it is private to another user';
const FORBIDDEN = 'A public asset of another user: readable, not changeable';

/** Readers revalidate with the ETag: access is checked on every request. */
const BEARER_CACHE_CONTROL = 'private, no-cache';

@CreativeController('assets')
export class AssetsController {
  constructor(
    private readonly assets: AssetsService,
    private readonly stats: AssetStatsService,
    private readonly uploads: AssetUploadsService,
  ) {}

  @Post('assets/upload')
  @UseInterceptors(UploadSizeInterceptor, FileInterceptor(UPLOAD_FILE_FIELD))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_FORM_SCHEMA })
  @ApiOperation({
    summary:
      'Upload a file into your library: its type and mimeType are read from the bytes; images get metadata and a thumbnail',
  })
  @ApiCreatedResponse({ type: AssetResponseDto })
  @ApiErrorResponse(
    400,
    'No file, or bytes that are no image, video, audio or UTF-8 text, or an image over the pixel limit',
  )
  @ApiErrorResponse(413, 'The file is larger than STORAGE_MAX_FILE_BYTES')
  upload(
    @CurrentUser() user: AuthUser,
    @UploadedFile() file: SpooledUpload | undefined,
    @Body() fields: UploadAssetDto,
  ): Promise<AssetResponseDto> {
    return this.uploads.upload(user.id, file, fields);
  }

  @Get('assets')
  @ApiOperation({ summary: 'List your assets: filters, full-text search, sort and cursor pagination' })
  @ApiOkResponse({ type: AssetPageResponseDto })
  @ApiErrorResponse(404, 'collectionId is not one of your collections')
  list(@CurrentUser() user: AuthUser, @Query() query: ListAssetsQueryDto): Promise<AssetPageResponseDto> {
    return this.assets.listAssets(user.id, query);
  }

  @Get('assets/stats')
  @ApiOperation({ summary: 'Counts by type and source module, cost by provider, model and UTC day, usage totals' })
  @ApiOkResponse({ type: AssetStatsResponseDto })
  @Header('Content-Type', JSON_CONTENT_TYPE)
  getStats(@CurrentUser() user: AuthUser, @Query() query: CreatedRangeQueryDto): Promise<AssetStatsJson> {
    return this.stats.getStatsJson(user.id, query);
  }

  @Get('asset/:id')
  @ApiOperation({ summary: 'One asset: yours or a public one' })
  @ApiOkResponse({ type: AssetResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<AssetResponseDto> {
    return this.assets.getAsset(user.id, id);
  }

  @Get('asset/:id/lineage')
  @ApiOperation({
    summary:
      'What an asset derives from and what derives from it (parentAssetId), nearest first, as far as you may see',
  })
  @ApiOkResponse({ type: LineageResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  getLineage(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<LineageResponseDto> {
    return this.assets.getLineage(user.id, id);
  }

  @Patch('asset/:id')
  @ApiOperation({
    summary: 'Edit title, description, category, tags, isPublic, isFavorite or metadata (other fields are a 400)',
  })
  @ApiOkResponse({ type: AssetResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  update(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: UpdateAssetDto,
  ): Promise<AssetResponseDto> {
    return this.assets.updateAsset(user.id, id, body);
  }

  @Delete('asset/:id')
  @ApiOperation({ summary: 'Delete the asset, its collection links and its stored files' })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<DeletedResponseDto> {
    return this.assets.deleteAsset(user.id, id);
  }

  @Post('asset/:id/favorite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Toggle favorite' })
  @ApiOkResponse({ type: FavoriteResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  toggleFavorite(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: SetFavoriteDto,
  ): Promise<FavoriteResponseDto> {
    // { favorite: true|false } sets it; no body (or no favorite field) toggles.
    return body.favorite === undefined
      ? this.assets.toggleFavorite(user.id, id)
      : this.assets.setFavorite(user.id, id, body.favorite);
  }

  @Post('asset/:id/tags')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add tags (trimmed, lowercased, deduplicated; 1-64 characters each; at most 50 per asset)' })
  @ApiOkResponse({ type: AssetResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  addTags(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() body: AddTagsDto): Promise<AssetResponseDto> {
    return this.assets.addTags(user.id, id, body.tags);
  }

  @Post('asset/:id/usage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Count a view, download, share or use (atomic) and set lastUsedAt' })
  @ApiOkResponse({ type: UsageResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, "`use` of another user's public asset")
  recordUsage(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: RecordUsageDto,
  ): Promise<UsageResponseDto> {
    return this.assets.recordUsage(user.id, id, body.action);
  }

  @Get('asset/:id/file')
  @ServesAssetBytes()
  @ApiOperation({ summary: 'The stored file (text assets: their content as text/plain)' })
  @ApiProduces('image/*', 'video/*', 'audio/*', 'text/plain')
  @ApiOkResponse({ description: 'The bytes, with their Content-Type' })
  @ApiErrorResponse(404, NOT_FOUND)
  async getFile(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    return sendAssetFile(await this.assets.getAssetFile(user.id, id), request, response, BEARER_CACHE_CONTROL);
  }

  @Get('asset/:id/thumbnail')
  @ServesAssetBytes()
  @ApiOperation({ summary: 'The 320px WebP thumbnail of an image asset' })
  @ApiProduces('image/webp')
  @ApiOkResponse({ description: 'WebP bytes' })
  @ApiErrorResponse(404, 'No such asset, private to another user, or no thumbnail')
  async getThumbnail(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | undefined> {
    return sendAssetFile(await this.assets.getAssetThumbnail(user.id, id), request, response, BEARER_CACHE_CONTROL);
  }
}
