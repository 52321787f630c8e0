import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '../common/errors';
import { cursorField, decodeCursor, PageQueryDto, toPage } from '../common/pagination';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { AccessMode, assertAccess } from './access';
import { DeletedResponseDto } from './dto/asset-actions.dto';
import {
  CollectionMembershipResponseDto,
  CollectionPageResponseDto,
  CollectionResponseDto,
  CollectionRow,
  CreateCollectionDto,
  toCollectionResponse,
  UpdateCollectionDto,
} from './dto/collection.dto';

const WITH_ASSET_COUNT = { _count: { select: { items: true } } } as const;

/**
 * Collections group a user's own assets (many-to-many). Deleting a collection removes only its links;
 * deleting an asset removes it from every collection. Others may read a public collection, never change it.
 */
@Injectable()
export class CollectionsService {
  constructor(private readonly prisma: PrismaService) {}

  async createCollection(userId: string, input: CreateCollectionDto): Promise<CollectionResponseDto> {
    const row = await this.prisma.assetCollection.create({
      data: { userId, name: input.name, description: input.description || null, isPublic: input.isPublic ?? false },
      include: WITH_ASSET_COUNT,
    });
    return toCollectionResponse(row, null);
  }

  /** The caller's collections, newest first. */
  async listCollections(userId: string, page: PageQueryDto): Promise<CollectionPageResponseDto> {
    const where: Prisma.AssetCollectionWhereInput = { userId };
    if (page.cursor) {
      const [createdAt, id] = decodeCursor(page.cursor, [cursorField.date, cursorField.uuid]);
      where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
    }
    const rows = await this.prisma.assetCollection.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      include: WITH_ASSET_COUNT,
    });
    const covers = await this.defaultCovers(rows);
    return toPage(rows, page.limit, (row) => [row.createdAt.toISOString(), row.id], (row) => toCollectionResponse(row, covers.get(row.id) ?? null));
  }

  async getCollection(userId: string, id: string): Promise<CollectionResponseDto> {
    return this.withCover(await this.findCollection(userId, id, 'read'));
  }

  async updateCollection(userId: string, id: string, changes: UpdateCollectionDto): Promise<CollectionResponseDto> {
    await this.findCollection(userId, id, 'change');
    if (changes.coverAssetId) {
      const member = await this.prisma.assetCollectionItem.findUnique({ where: { collectionId_assetId: { collectionId: id, assetId: changes.coverAssetId } } });
      if (!member) {
        throw new ValidationError('coverAssetId must be an asset in the collection', [{ field: 'coverAssetId', problems: ['not in this collection'] }]);
      }
    }
    const row = await this.prisma.assetCollection.update({
      where: { id, userId },
      data: {
        name: changes.name,
        description: changes.description === '' ? null : changes.description,
        isPublic: changes.isPublic,
        coverAssetId: changes.coverAssetId,
      },
      include: WITH_ASSET_COUNT,
    });
    return this.withCover(row);
  }

  /** Deletes the collection and its links; the assets stay in the library. */
  async deleteCollection(userId: string, id: string): Promise<DeletedResponseDto> {
    await this.findCollection(userId, id, 'change');
    await this.prisma.assetCollection.delete({ where: { id, userId } });
    return { success: true };
  }

  /** Adds the caller's own assets; one invisible id fails the whole request (404), a public one of others 403. */
  async addAssets(userId: string, id: string, assetIds: string[]): Promise<CollectionMembershipResponseDto> {
    await this.findCollection(userId, id, 'change');
    const uniqueIds = [...new Set(assetIds.map((assetId) => assetId.toLowerCase()))];
    const assets = await this.prisma.creativeAsset.findMany({
      where: { id: { in: uniqueIds }, OR: [{ userId }, { isPublic: true }] },
      select: { id: true, userId: true, isPublic: true },
    });
    const byId = new Map(assets.map((asset) => [asset.id, asset]));
    for (const assetId of uniqueIds) assertAccess(byId.get(assetId), userId, 'change', 'Asset', assetId);
    const { count } = await this.prisma.assetCollectionItem.createMany({
      data: uniqueIds.map((assetId) => ({ collectionId: id, assetId })),
      skipDuplicates: true,
    });
    return { success: true, changed: count, assetCount: await this.countAssets(id) };
  }

  /** Removes the links; a chosen cover among the removed assets is unset, so the default cover applies again. */
  async removeAssets(userId: string, id: string, assetIds: string[]): Promise<CollectionMembershipResponseDto> {
    await this.findCollection(userId, id, 'change');
    const count = await this.prisma.$transaction(async (tx) => {
      const removed = await tx.assetCollectionItem.deleteMany({ where: { collectionId: id, assetId: { in: assetIds } } });
      await tx.assetCollection.updateMany({ where: { id, coverAssetId: { in: assetIds } }, data: { coverAssetId: null } });
      return removed.count;
    });
    return { success: true, changed: count, assetCount: await this.countAssets(id) };
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
  private async defaultCovers(rows: CollectionRow[]): Promise<Map<string, string>> {
    const ids = rows.filter((row) => row.coverAssetId === null && row._count.items > 0).map((row) => row.id);
    if (ids.length === 0) return new Map();
    const covers = await this.prisma.$queryRaw<{ collectionId: string; assetId: string }[]>(Prisma.sql`
      SELECT c.id AS "collectionId", newest."assetId"
      FROM unnest(${ids}::uuid[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT i."assetId" FROM "asset_collection_items" i JOIN "creative_assets" a ON a.id = i."assetId"
        WHERE i."collectionId" = c.id
        ORDER BY i."addedAt" DESC, a."createdAt" DESC, a.id DESC
        LIMIT 1
      ) newest`);
    return new Map(covers.map((cover) => [cover.collectionId, cover.assetId]));
  }

  private countAssets(collectionId: string): Promise<number> {
    return this.prisma.assetCollectionItem.count({ where: { collectionId } });
  }

  private async findCollection(userId: string, id: string, access: AccessMode): Promise<CollectionRow> {
    const row = await this.prisma.assetCollection.findFirst({ where: { id, OR: [{ userId }, { isPublic: true }] }, include: WITH_ASSET_COUNT });
    return assertAccess(row, userId, access, 'Collection', id);
  }
}
