import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '../common/errors';
import { toPage } from '../common/pagination';
import { Prisma } from '../generated/prisma/client';
import type { CreativeAsset } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { imageExtension, makeThumbnail, readImageMetadata, THUMBNAIL_EXTENSION, THUMBNAIL_MIME_TYPE } from '../storage/image-processing';
import { StorageService } from '../storage/storage.service';
import { AccessMode, assertAccess } from './access';
import { assetCursorValues, buildAssetPageSql, ListAssetsQuery, parseCreatedRange, withListDefaults } from './asset-list-query';
import { assertJsonObject, mergeTags, normalizeTags } from './asset-rules';
import { assetFileUrl, assetThumbnailUrl } from './asset-urls';
import { DeletedResponseDto, FavoriteResponseDto, UsageAction, UsageResponseDto } from './dto/asset-actions.dto';
import { AssetPageResponseDto } from './dto/asset-page-response.dto';
import { ASSET_ROW_COLUMNS, AssetResponseDto, AssetRow, toAssetResponse } from './dto/asset-response.dto';
import type { UpdateAssetDto } from './dto/update-asset.dto';
import { AssetFieldsFromInput, MEDIA_MIME_TYPES, normalizeSaveAssetInput, SaveAssetInput } from './save-asset-input';

/**
 * An asset whose files are stored and whose row is ready to insert. The id is chosen up front so that
 * url/thumbnailUrl (and a caller's job result) are known before the insert.
 */
export interface PreparedAsset {
  readonly id: string;
  readonly url: string;
  readonly thumbnailUrl: string | null;
  readonly fields: AssetFieldsFromInput &
    Pick<Prisma.CreativeAssetUncheckedCreateInput, 'storageKey' | 'thumbnailKey' | 'width' | 'height' | 'format' | 'fileSize' | 'mimeType'>;
  /** Files written for this asset; discardPreparedAsset deletes them when the insert does not happen. */
  readonly storedKeys: readonly string[];
}

/** Bytes of an asset (its file or thumbnail) ready to send. */
export interface AssetFile {
  body: Readable;
  contentType: string;
  fileName: string;
}

const MAX_USER_ID_LENGTH = 200;

/** Fixed SQL identifiers of the usage counters (never built from input). */
const USAGE_COUNTERS: Record<UsageAction, Prisma.Sql> = {
  view: Prisma.raw('"viewCount"'),
  download: Prisma.raw('"downloadCount"'),
  share: Prisma.raw('"shareCount"'),
  use: Prisma.raw('"useCount"'),
};
/** Usage a reader of someone else's public asset may record; `use` (reusing it in one's own work) is the owner's. */
const READER_USAGE_ACTIONS: readonly UsageAction[] = ['view', 'download', 'share'];

@Injectable()
export class AssetsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly storage: StorageService,
  ) {}

  /**
   * Puts a module's output in the user's library (docs/ARCHITECTURE.md §6): stores the file and,
   * for images, a thumbnail; reads width/height/format/mimeType/fileSize from the bytes; inserts the row.
   * With `options.tx` the row is inserted in the caller's transaction; if that transaction can still fail
   * after this returns, use prepareAssetFiles/createPreparedAsset/discardPreparedAsset instead.
   */
  async saveAsset(userId: string, input: SaveAssetInput, options: { tx?: Prisma.TransactionClient } = {}): Promise<AssetResponseDto> {
    const prepared = await this.prepareAssetFiles(input);
    try {
      return await this.createPreparedAsset(userId, prepared, options.tx);
    } catch (error) {
      await this.discardPreparedAsset(prepared);
      throw error;
    }
  }

  /** Phase 1 of saveAsset: validates the input and stores the files. Touches no database row. */
  async prepareAssetFiles(input: SaveAssetInput): Promise<PreparedAsset> {
    const fields = normalizeSaveAssetInput(input);
    const id = randomUUID();
    const storedKeys: string[] = [];
    const store = async (bytes: Buffer, extension: string) => {
      const { key } = await this.storage.put(bytes, { extension });
      storedKeys.push(key);
      return key;
    };
    try {
      if (fields.type === 'text') {
        const fileSize = Buffer.byteLength(fields.content ?? '');
        return { id, url: assetFileUrl(id), thumbnailUrl: null, fields: { ...fields, fileSize }, storedKeys };
      }
      const bytes = input.bytes as Buffer;
      if (fields.type === 'image') {
        const image = await readImageMetadata(bytes);
        const thumbnail = await makeThumbnail(bytes);
        const [storageKey, thumbnailKey] = await Promise.all([store(bytes, imageExtension(image.format)), store(thumbnail, THUMBNAIL_EXTENSION)]);
        return {
          id,
          url: assetFileUrl(id),
          thumbnailUrl: assetThumbnailUrl(id),
          fields: { ...fields, ...image, storageKey, thumbnailKey },
          storedKeys,
        };
      }
      const storageKey = await store(bytes, MEDIA_MIME_TYPES[fields.mimeType as string].extension);
      return { id, url: assetFileUrl(id), thumbnailUrl: null, fields: { ...fields, storageKey, fileSize: bytes.length }, storedKeys };
    } catch (error) {
      await this.discardPreparedAsset({ storedKeys });
      throw error;
    }
  }

  /**
   * Phase 2 of saveAsset: inserts the prepared row, in `tx` when given (so a caller can create assets and
   * complete its own work atomically). Inserting the same PreparedAsset twice fails with a conflict.
   */
  async createPreparedAsset(userId: string, prepared: PreparedAsset, tx: Prisma.TransactionClient = this.prisma): Promise<AssetResponseDto> {
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
      throw new ValidationError(`userId must be 1-${MAX_USER_ID_LENGTH} characters`);
    }
    const { generationId, parentAssetId } = prepared.fields;
    if (generationId && !(await tx.generationJob.findFirst({ where: { id: generationId, userId }, select: { id: true } }))) {
      throw new NotFoundError('Generation job', generationId);
    }
    if (parentAssetId && !(await tx.creativeAsset.findFirst({ where: { id: parentAssetId, OR: [{ userId }, { isPublic: true }] }, select: { id: true } }))) {
      throw new NotFoundError('Asset', parentAssetId);
    }
    const row = await tx.creativeAsset.create({
      data: { ...prepared.fields, id: prepared.id, userId, url: prepared.url, thumbnailUrl: prepared.thumbnailUrl },
    });
    return toAssetResponse(row);
  }

  /** Deletes the files of a prepared asset whose row was not (or will not be) inserted. */
  async discardPreparedAsset(prepared: Pick<PreparedAsset, 'storedKeys'>): Promise<void> {
    await Promise.all(prepared.storedKeys.map((key) => this.storage.delete(key)));
  }

  /** One asset: the caller's own or a public one. */
  async getAsset(userId: string, id: string): Promise<AssetResponseDto> {
    return toAssetResponse(await this.findAsset(userId, id, 'read'));
  }

  /**
   * A page of the caller's own assets, filtered and sorted (GET /assets; GET /images passes type=image).
   * Keyset pagination on (sort column, id): every row present for the whole walk is visited exactly once,
   * however many rows are inserted meanwhile.
   */
  async listAssets(userId: string, listQuery: ListAssetsQuery): Promise<AssetPageResponseDto> {
    const query = withListDefaults(listQuery);
    const tags = query.tags ? normalizeTags(query.tags) : [];
    const range = parseCreatedRange(query);
    if (query.collectionId && !(await this.prisma.assetCollection.findFirst({ where: { id: query.collectionId, userId }, select: { id: true } }))) {
      throw new NotFoundError('Collection', query.collectionId);
    }
    const rows = await this.prisma.$queryRaw<AssetRow[]>(buildAssetPageSql(userId, query, tags, range));
    return toPage(rows, query.limit, (row) => assetCursorValues(row, query.sort, query.order), toAssetResponse);
  }

  async updateAsset(userId: string, id: string, changes: UpdateAssetDto): Promise<AssetResponseDto> {
    await this.findAsset(userId, id, 'change');
    if (changes.metadata) assertJsonObject(changes.metadata, 'metadata');
    const row = await this.prisma.creativeAsset.update({
      where: { id, userId },
      data: {
        title: changes.title,
        description: changes.description === '' ? null : changes.description,
        category: changes.category === '' ? null : changes.category,
        tags: changes.tags && normalizeTags(changes.tags),
        isPublic: changes.isPublic,
        isFavorite: changes.isFavorite,
        metadata: changes.metadata === null ? Prisma.DbNull : (changes.metadata as Prisma.InputJsonObject | undefined),
      },
    });
    return toAssetResponse(row);
  }

  /**
   * Deletes the row (its collection links go with it by cascade) and its stored files. The files are
   * recorded for deletion in the same transaction, so a failed or interrupted file deletion is retried by
   * the storage sweep and no row ever points at a missing file.
   */
  async deleteAsset(userId: string, id: string): Promise<DeletedResponseDto> {
    const asset = await this.findAsset(userId, id, 'change');
    const keys = [asset.storageKey, asset.thumbnailKey].filter((key): key is string => key !== null);
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.creativeAsset.deleteMany({ where: { id, userId } });
      if (count === 0) throw new NotFoundError('Asset', id);
      await this.storage.scheduleDeletion(keys, tx);
    });
    if (keys.length > 0) await this.storage.retryPendingDeletions({ keys });
    return { success: true };
  }

  /** Flips isFavorite in one UPDATE, so concurrent toggles never lose one. */
  async toggleFavorite(userId: string, id: string): Promise<FavoriteResponseDto> {
    return this.updateFavorite(userId, id, Prisma.sql`NOT "isFavorite"`);
  }

  /** Sets isFavorite to `favorite` (idempotent: setting it twice leaves it so). */
  async setFavorite(userId: string, id: string, favorite: boolean): Promise<FavoriteResponseDto> {
    return this.updateFavorite(userId, id, Prisma.sql`${favorite}::boolean`);
  }

  private async updateFavorite(userId: string, id: string, value: Prisma.Sql): Promise<FavoriteResponseDto> {
    const [row] = await this.prisma.$queryRaw<{ isFavorite: boolean }[]>`
      UPDATE "creative_assets" SET "isFavorite" = ${value}, "updatedAt" = now()
      WHERE id = ${id}::uuid AND "userId" = ${userId}
      RETURNING "isFavorite"`;
    if (!row) return this.rejectChange(userId, id);
    return { success: true, isFavorite: row.isFavorite };
  }

  /** Adds tags under the tag rule; the row is locked so concurrent additions cannot exceed the cap. */
  async addTags(userId: string, id: string, tags: string[]): Promise<AssetResponseDto> {
    const added = normalizeTags(tags);
    return this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<Pick<CreativeAsset, 'userId' | 'isPublic' | 'tags'>[]>`
        SELECT "userId", "isPublic", "tags" FROM "creative_assets" WHERE id = ${id}::uuid FOR UPDATE`;
      const asset = assertAccess(locked, userId, 'change', 'Asset', id);
      const row = await tx.creativeAsset.update({ where: { id }, data: { tags: mergeTags(asset.tags, added) } });
      return toAssetResponse(row);
    });
  }

  /**
   * Counts one use in a single UPDATE (atomic under any concurrency) and stamps lastUsedAt; usage does not
   * touch updatedAt, which tracks edits. view/download/share are open to readers of a public asset.
   */
  async recordUsage(userId: string, id: string, action: UsageAction): Promise<UsageResponseDto> {
    const counter = USAGE_COUNTERS[action];
    const readerMayRecord = READER_USAGE_ACTIONS.includes(action);
    const [row] = await this.prisma.$queryRaw<Omit<UsageResponseDto, 'success' | 'action'>[]>`
      UPDATE "creative_assets" SET ${counter} = ${counter} + 1, "lastUsedAt" = now()
      WHERE id = ${id}::uuid AND ("userId" = ${userId} OR ("isPublic" AND ${readerMayRecord}))
      RETURNING "viewCount", "downloadCount", "shareCount", "useCount", "lastUsedAt"`;
    if (!row) return this.rejectChange(userId, id);
    return { success: true, action, ...row };
  }

  /** The stored bytes (or a text asset's content) of an asset the caller may read. */
  async getAssetFile(userId: string, id: string): Promise<AssetFile> {
    const asset = await this.findAsset(userId, id, 'read');
    if (asset.type === 'text') {
      return { body: Readable.from([Buffer.from(asset.content ?? '', 'utf8')]), contentType: 'text/plain; charset=utf-8', fileName: `${id}.txt` };
    }
    if (!asset.storageKey) throw new NotFoundError('File of asset', id);
    return {
      body: await this.storage.createReadStream(asset.storageKey),
      contentType: asset.mimeType ?? 'application/octet-stream',
      // Keys end in the extension the file was stored under.
      fileName: `${id}.${asset.storageKey.split('.').pop()}`,
    };
  }

  async getAssetThumbnail(userId: string, id: string): Promise<AssetFile> {
    const asset = await this.findAsset(userId, id, 'read');
    if (!asset.thumbnailKey) throw new NotFoundError('Thumbnail of asset', id);
    return { body: await this.storage.createReadStream(asset.thumbnailKey), contentType: THUMBNAIL_MIME_TYPE, fileName: `${id}.thumbnail.${THUMBNAIL_EXTENSION}` };
  }

  /** The asset with its storage keys, if the caller may see it; raw SQL, as this is on the hottest read paths. */
  private async findAsset(userId: string, id: string, access: AccessMode): Promise<CreativeAsset> {
    const [row] = await this.prisma.$queryRaw<CreativeAsset[]>`
      SELECT ${ASSET_ROW_COLUMNS}, a."storageKey", a."thumbnailKey" FROM "creative_assets" a
      WHERE a.id = ${id}::uuid AND (a."userId" = ${userId} OR a."isPublic")`;
    return assertAccess(row, userId, access, 'Asset', id);
  }

  /**
   * Why a change scoped to the caller's own asset touched no row: 404 for an asset the caller cannot see,
   * 403 for someone else's public one, 404 when it vanished meanwhile. The happy path never pays this query.
   */
  private async rejectChange(userId: string, id: string): Promise<never> {
    await this.findAsset(userId, id, 'change');
    throw new NotFoundError('Asset', id);
  }
}
