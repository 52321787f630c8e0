import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { CollectionRow } from './dto/collection.dto';

const WITH_ASSET_COUNT = { _count: { select: { items: true } } } as const;

/** Column changes of an edit: undefined leaves a column as it is, null clears it. */
export interface CollectionChanges {
  name?: string;
  description?: string | null;
  isPublic?: boolean;
  coverAssetId?: string | null;
}

/** Where a page of collections continues: after this (createdAt, id) in newest-first order. */
export interface CollectionPosition {
  createdAt: Date;
  id: string;
}

/** Every statement on asset_collections and asset_collection_items; rows come with their asset count. */
@Injectable()
export class CollectionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    userId: string,
    columns: { name: string; description: string | null; isPublic: boolean },
  ): Promise<CollectionRow> {
    return this.prisma.assetCollection.create({ data: { userId, ...columns }, include: WITH_ASSET_COUNT });
  }

  /** The user's collections newest first (createdAt, then id), after `after` when given. */
  findPageOfUser(userId: string, after: CollectionPosition | undefined, take: number): Promise<CollectionRow[]> {
    const where: Prisma.AssetCollectionWhereInput = { userId };
    if (after)
      where.OR = [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }];
    return this.prisma.assetCollection.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      include: WITH_ASSET_COUNT,
    });
  }

  /** The collection if it is the user's own or public. */
  findVisible(userId: string, id: string): Promise<CollectionRow | null> {
    return this.prisma.assetCollection.findFirst({
      where: { id, OR: [{ userId }, { isPublic: true }] },
      include: WITH_ASSET_COUNT,
    });
  }

  async isOwnedBy(userId: string, id: string): Promise<boolean> {
    return (await this.prisma.assetCollection.findFirst({ where: { id, userId }, select: { id: true } })) !== null;
  }

  async contains(collectionId: string, assetId: string): Promise<boolean> {
    return (
      (await this.prisma.assetCollectionItem.findUnique({
        where: { collectionId_assetId: { collectionId, assetId } },
      })) !== null
    );
  }

  updateOwned(userId: string, id: string, changes: CollectionChanges): Promise<CollectionRow> {
    return this.prisma.assetCollection.update({ where: { id, userId }, data: changes, include: WITH_ASSET_COUNT });
  }

  /** Deletes the collection and, by cascade, its links. */
  async deleteOwned(userId: string, id: string): Promise<void> {
    await this.prisma.assetCollection.delete({ where: { id, userId } });
  }

  /** Links the assets (existing links are kept); the number of new links. */
  async addItems(collectionId: string, assetIds: string[]): Promise<number> {
    const { count } = await this.prisma.assetCollectionItem.createMany({
      data: assetIds.map((assetId) => ({ collectionId, assetId })),
      skipDuplicates: true,
    });
    return count;
  }

  /** Unlinks the assets and, in the same transaction, unsets a chosen cover among them; the number of removed links. */
  removeItems(collectionId: string, assetIds: string[]): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const removed = await tx.assetCollectionItem.deleteMany({ where: { collectionId, assetId: { in: assetIds } } });
      await tx.assetCollection.updateMany({
        where: { id: collectionId, coverAssetId: { in: assetIds } },
        data: { coverAssetId: null },
      });
      return removed.count;
    });
  }

  countItems(collectionId: string): Promise<number> {
    return this.prisma.assetCollectionItem.count({ where: { collectionId } });
  }

  /**
   * The newest member of each collection: the asset added most recently; among assets added in one
   * request, the newest asset (createdAt, then id). Collections without members are absent from the map.
   */
  async newestMembers(collectionIds: string[]): Promise<Map<string, string>> {
    if (collectionIds.length === 0) return new Map();
    const members = await this.prisma.direct.query<{ collectionId: string; assetId: string }[]>(Prisma.sql`
      SELECT c.id AS "collectionId", newest."assetId"
      FROM unnest(${collectionIds}::uuid[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT i."assetId" FROM "asset_collection_items" i JOIN "creative_assets" a ON a.id = i."assetId"
        WHERE i."collectionId" = c.id
        ORDER BY i."addedAt" DESC, a."createdAt" DESC, a.id DESC
        LIMIT 1
      ) newest`);
    return new Map(members.map((member) => [member.collectionId, member.assetId]));
  }
}
