import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors';
import { cursorField, decodeCursor, PageQueryDto, toPage } from '../common/pagination';
import { AccessMode, assertAccess } from './access';
import { AssetsRepository } from './assets.repository';
import { CollectionPosition, CollectionsRepository } from './collections.repository';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import {
  CollectionMembershipResponseDto,
  CollectionPageResponseDto,
  CollectionResponseDto,
  CollectionRow,
  CreateCollectionDto,
  toCollectionResponse,
  UpdateCollectionDto,
} from './dto/collection.dto';

/** Where the page of a cursor (written by listCollections as [createdAt, id]) continues. */
function decodeCollectionCursor(cursor: string): CollectionPosition {
  const [createdAt, id] = decodeCursor(cursor, [cursorField.date, cursorField.uuid]);
  return { createdAt, id };
}

/**
 * Collections group a user's own assets (many-to-many). Deleting a collection removes only its links;
 * deleting an asset removes it from every collection. Others may read a public collection, never change it.
 */
@Injectable()
export class CollectionsService {
  constructor(
    private readonly collections: CollectionsRepository,
    private readonly assets: AssetsRepository,
  ) {}

  async createCollection(userId: string, input: CreateCollectionDto): Promise<CollectionResponseDto> {
    const row = await this.collections.create(userId, {
      name: input.name,
      description: input.description || null,
      isPublic: input.isPublic ?? false,
    });
    return toCollectionResponse(row, null);
  }

  /** The caller's collections, newest first. */
  async listCollections(userId: string, page: PageQueryDto): Promise<CollectionPageResponseDto> {
    const after = page.cursor ? decodeCollectionCursor(page.cursor) : undefined;
    const rows = await this.collections.findPageOfUser(userId, after, page.limit + 1);
    const covers = await this.defaultCovers(rows);
    return toPage(
      rows,
      page.limit,
      (row) => [row.createdAt.toISOString(), row.id],
      (row) => toCollectionResponse(row, covers.get(row.id) ?? null),
    );
  }

  async getCollection(userId: string, id: string): Promise<CollectionResponseDto> {
    return this.withCover(await this.findCollection(userId, id, 'read'));
  }

  async updateCollection(userId: string, id: string, changes: UpdateCollectionDto): Promise<CollectionResponseDto> {
    await this.findCollection(userId, id, 'change');
    if (changes.coverAssetId && !(await this.collections.contains(id, changes.coverAssetId))) {
      throw new ValidationError('coverAssetId must be an asset in the collection', [
        { field: 'coverAssetId', problems: ['not in this collection'] },
      ]);
    }
    const row = await this.collections.updateOwned(userId, id, {
      name: changes.name,
      description: changes.description === '' ? null : changes.description,
      isPublic: changes.isPublic,
      coverAssetId: changes.coverAssetId,
    });
    return this.withCover(row);
  }

  /** Deletes the collection and its links; the assets stay in the library. */
  async deleteCollection(userId: string, id: string): Promise<DeletedResponseDto> {
    await this.findCollection(userId, id, 'change');
    await this.collections.deleteOwned(userId, id);
    return { success: true };
  }

  /** Adds the caller's own assets; one invisible id fails the whole request (404), a public one of others 403. */
  async addAssets(userId: string, id: string, assetIds: string[]): Promise<CollectionMembershipResponseDto> {
    await this.findCollection(userId, id, 'change');
    const uniqueIds = [...new Set(assetIds.map((assetId) => assetId.toLowerCase()))];
    const visible = await this.assets.findVisibleAccess(userId, uniqueIds);
    const byId = new Map(visible.map((asset) => [asset.id, asset]));
    for (const assetId of uniqueIds) assertAccess(byId.get(assetId), userId, 'change', 'Asset', assetId);
    const count = await this.collections.addItems(id, uniqueIds);
    return { success: true, changed: count, assetCount: await this.collections.countItems(id) };
  }

  /** Removes the links; a chosen cover among the removed assets is unset, so the default cover applies again. */
  async removeAssets(userId: string, id: string, assetIds: string[]): Promise<CollectionMembershipResponseDto> {
    await this.findCollection(userId, id, 'change');
    const count = await this.collections.removeItems(id, assetIds);
    return { success: true, changed: count, assetCount: await this.collections.countItems(id) };
  }

  private async withCover(row: CollectionRow): Promise<CollectionResponseDto> {
    return toCollectionResponse(row, (await this.defaultCovers([row])).get(row.id) ?? null);
  }

  /**
   * The default cover of each collection without a chosen one (coverAssetId null, set by PATCH): its
   * newest member, i.e. the asset added most recently; among assets added in one request, the newest
   * asset (createdAt, then id). Derived on read, so it follows every addition and removal, and a deleted
   * asset (its link goes by cascade, a chosen cover by ON DELETE SET NULL) falls back to the next one.
   */
  private defaultCovers(rows: CollectionRow[]): Promise<Map<string, string>> {
    return this.collections.newestMembers(
      rows.filter((row) => row.coverAssetId === null && row._count.items > 0).map((row) => row.id),
    );
  }

  private async findCollection(userId: string, id: string, access: AccessMode): Promise<CollectionRow> {
    return assertAccess(await this.collections.findVisible(userId, id), userId, access, 'Collection', id);
  }
}
