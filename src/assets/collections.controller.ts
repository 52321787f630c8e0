import { Body, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { ApiErrorResponse } from '../common/error-response.dto';
import { PageQueryDto } from '../common/pagination';
import { UuidParam } from '../common/validation';
import { CollectionsService } from './collections.service';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import {
  CollectionAssetsDto,
  CollectionMembershipResponseDto,
  CollectionPageResponseDto,
  CollectionResponseDto,
  CreateCollectionDto,
  UpdateCollectionDto,
} from './dto/collection.dto';

const NOT_FOUND = 'No such collection, or it is private to another user';
const FORBIDDEN = 'A public collection of another user: readable, not changeable';

@CreativeController('collections')
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Post('collections')
  @ApiOperation({ summary: 'Create a collection' })
  @ApiCreatedResponse({ type: CollectionResponseDto })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateCollectionDto): Promise<CollectionResponseDto> {
    return this.collections.createCollection(user.id, body);
  }

  @Get('collections')
  @ApiOperation({ summary: 'Your collections, newest first, with asset counts' })
  @ApiOkResponse({ type: CollectionPageResponseDto })
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<CollectionPageResponseDto> {
    return this.collections.listCollections(user.id, query);
  }

  @Get('collection/:id')
  @ApiOperation({ summary: 'One collection: yours or a public one (its assets: GET /assets?collectionId=)' })
  @ApiOkResponse({ type: CollectionResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<CollectionResponseDto> {
    return this.collections.getCollection(user.id, id);
  }

  @Patch('collection/:id')
  @ApiOperation({ summary: 'Rename, describe, publish or set the cover of a collection' })
  @ApiOkResponse({ type: CollectionResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  update(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: UpdateCollectionDto,
  ): Promise<CollectionResponseDto> {
    return this.collections.updateCollection(user.id, id, body);
  }

  @Delete('collection/:id')
  @ApiOperation({ summary: 'Delete a collection (its assets stay in the library)' })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<DeletedResponseDto> {
    return this.collections.deleteCollection(user.id, id);
  }

  @Post('collection/:id/assets')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add your own assets to the collection (already present ones are skipped)' })
  @ApiOkResponse({ type: CollectionMembershipResponseDto })
  @ApiErrorResponse(404, 'The collection or an asset is not visible to you')
  @ApiErrorResponse(403, "Not your collection, or an asset is someone else's public asset")
  addAssets(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: CollectionAssetsDto,
  ): Promise<CollectionMembershipResponseDto> {
    return this.collections.addAssets(user.id, id, body.assetIds);
  }

  @Delete('collection/:id/assets')
  @ApiOperation({ summary: 'Remove assets from the collection (the assets themselves stay)' })
  @ApiOkResponse({ type: CollectionMembershipResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(403, FORBIDDEN)
  removeAssets(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: CollectionAssetsDto,
  ): Promise<CollectionMembershipResponseDto> {
    return this.collections.removeAssets(user.id, id, body.assetIds);
  }
}
