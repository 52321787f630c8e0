import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '../common/errors';
import { toPage } from '../common/pagination';
import type { CreativeAsset, Prisma } from '../generated/prisma/client';
import {
  imageExtension,
  makeThumbnail,
  readImageMetadata,
  THUMBNAIL_EXTENSION,
  THUMBNAIL_MIME_TYPE,
} from '../storage/image-processing';
import { byteSizeOf, type FileSource } from '../storage/file-source';
import { readAudioMetadata } from '../storage/media-probe';
import { readVideoMetadata } from '../storage/video-probe';
import { StorageService } from '../storage/storage.service';
import { AccessMode, assertAccess } from './access';
import { assetCursorValues, ListAssetsQuery, parseCreatedRange, withListDefaults } from './asset-list-query';
import { assertJsonObject, mergeTags, normalizeTags } from './asset-rules';
import { assetFileUrl, assetThumbnailUrl } from './asset-urls';
import { AssetsRepository, type LineageRow } from './assets.repository';
import { LineageResponseDto } from './dto/lineage-response.dto';
import { CollectionsRepository } from './collections.repository';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { FavoriteResponseDto, UsageAction, UsageResponseDto } from './dto/asset-actions.dto';
import { AssetPageResponseDto } from './dto/asset-page-response.dto';
import { AssetLinks } from './asset-links';
import type { LinkVariant, SignedLink } from './signed-links';
import { AssetResponseDto } from './dto/asset-response.dto';
import type { UpdateAssetDto } from './dto/update-asset.dto';
import { NewFile, StoredFile, StoredFilesService } from './stored-files';
import { GENERATION_JOB_LOOKUP } from './generation-job-lookup';
import type { GenerationJobLookup } from './generation-job-lookup';
import { AssetFieldsFromInput, MEDIA_MIME_TYPES, normalizeSaveAssetInput, SaveAssetInput } from './save-asset-input';
import { assetCreatedEvent, CREATIVE_EVENTS, CreativeEvents } from '../events/creative-events';
import { EngineConfig } from '../config/engine-config';

/**
 * An asset whose files are stored and whose row is ready to insert. The id is chosen up front so that
 * url/thumbnailUrl (and a caller's job result) are known before the insert.
 */
export interface PreparedAsset {
  readonly id: string;
  /** Whose library the files were stored (and deduplicated) for. */
  readonly userId: string;
  readonly url: string;
  readonly thumbnailUrl: string | null;
  readonly fields: AssetFieldsFromInput &
    Pick<
      Prisma.CreativeAssetUncheckedCreateInput,
      'storageKey' | 'thumbnailKey' | 'checksum' | 'width' | 'height' | 'format' | 'fileSize' | 'mimeType'
    >;
  /** Files stored (or shared) for this asset; discardPreparedAsset gives them up when the insert does not happen. */
  readonly storedFiles: readonly StoredFile[];
}

/**
 * A job's results as writes of the statement completing it (AssetsService.jobAssetWrites): the assets they
 * create, and the statements, each changing nothing unless `when` holds.
 */
export interface JobAssetWrites {
  assets: readonly Pick<CreativeAsset, 'id' | 'userId' | 'type' | 'sourceModule' | 'generationId'>[];
  statements: (when: Prisma.Sql) => Prisma.Sql[];
}

/** Bytes of an asset (its file or thumbnail) ready to send. */
export interface AssetFile {
  body: Readable;
  contentType: string;
  fileName: string;
  /** A strong validator of the bytes: stored files never change under their key. */
  etag: string;
}

const storedFileTag = (key: string) => `"${key.replaceAll('/', '-')}"`;

const MAX_USER_ID_LENGTH = 200;

/** The columns of an asset's main file. */
const fileColumns = (file: StoredFile) => ({ storageKey: file.key, checksum: file.checksum });

function assertUserId(userId: string): void {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
    throw new ValidationError(`userId must be 1-${MAX_USER_ID_LENGTH} characters`);
  }
}

/** The row of a prepared asset, owned by `userId`. */
function rowOf(userId: string, prepared: PreparedAsset) {
  return { ...prepared.fields, id: prepared.id, userId, url: prepared.url, thumbnailUrl: prepared.thumbnailUrl };
}

function assertPreparedFor(userId: string, prepared: PreparedAsset): void {
  if (prepared.userId !== userId) {
    throw new ValidationError('A prepared asset can only be created for the user its files were stored for');
  }
}

/** Thrown by a store whose condition returned no row, out of whichever kind of file was being stored. */
class StoringConditionNotMet extends Error {}

/** A lineage row without the walk's own columns. */
const asAssetRow = ({ direction: _direction, depth: _depth, ...row }: LineageRow) => row;

/** Usage a reader of someone else's public asset may record; `use` (reusing it in one's own work) is the owner's. */
const READER_USAGE_ACTIONS: readonly UsageAction[] = ['view', 'download', 'share'];

@Injectable()
export class AssetsService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly collections: CollectionsRepository,
    private readonly storage: StorageService,
    private readonly files: StoredFilesService,
    @Inject(GENERATION_JOB_LOOKUP) private readonly jobs: GenerationJobLookup,
    private readonly links: AssetLinks,
    private readonly events: CreativeEvents,
    private readonly config: EngineConfig,
  ) {}

  /**
   * Puts a module's output in the user's library (docs/ARCHITECTURE.md §6): stores the file and,
   * for images, a thumbnail (once per user and content: identical bytes share one stored file); reads width/height/format/mimeType/fileSize (images) or format/duration
   * (audio, whose bytes must be of the declared mimeType) from the bytes; inserts the row.
   * With `options.tx` the row is inserted in the caller's transaction; if that transaction can still fail
   * after this returns, use prepareAssetFiles/createPreparedAsset/discardPreparedAsset instead.
   */
  async saveAsset(
    userId: string,
    input: SaveAssetInput,
    options: { tx?: Prisma.TransactionClient } = {},
  ): Promise<AssetResponseDto> {
    const prepared = await this.prepareAssetFiles(userId, input);
    try {
      return await this.createPreparedAsset(userId, prepared, options.tx);
    } catch (error) {
      await this.discardPreparedAsset(prepared);
      throw error;
    }
  }

  /**
   * Phase 1 of saveAsset: validates the input and stores the files for the user's library, each recorded as
   * an intent that createPreparedAsset clears. Touches no asset row.
   */
  async prepareAssetFiles(userId: string, input: SaveAssetInput): Promise<PreparedAsset> {
    // Null answers only a condition, and there is none.
    return (await this.prepareAssetFilesIf(userId, input)) as PreparedAsset;
  }

  /**
   * prepareAssetFiles, when `condition` returns a row: it runs as a part of the statement that records the
   * files' intents, before any byte is written (StoredFilesService.storeAllIf). Null, and nothing stored, when
   * it returns none. A job's step is such a condition. An input with no file (text) cannot take one.
   */
  async prepareAssetFilesIf(
    userId: string,
    input: SaveAssetInput,
    condition?: Prisma.Sql,
  ): Promise<PreparedAsset | null> {
    assertUserId(userId);
    const fields = normalizeSaveAssetInput(input);
    if (condition && fields.type === 'text') throw new TypeError('A condition on storing files needs files to store');
    const id = randomUUID();
    const storedFiles: StoredFile[] = [];
    const store = async (...files: NewFile[]) => {
      const stored = await this.files.storeAllIf(userId, files, condition);
      if (!stored) throw new StoringConditionNotMet();
      storedFiles.push(...stored);
      return stored;
    };
    const prepared = (rest: Omit<PreparedAsset, 'id' | 'userId' | 'url' | 'storedFiles'>): PreparedAsset => ({
      id,
      userId,
      url: assetFileUrl(id),
      storedFiles,
      ...rest,
    });
    try {
      if (fields.type === 'text') {
        return prepared({
          thumbnailUrl: null,
          fields: { ...fields, fileSize: Buffer.byteLength(fields.content ?? '') },
        });
      }
      const source: FileSource = input.bytes ?? (input.file as FileSource);
      if (fields.type === 'image') {
        // The thumbnail renders on sharp's threads while the metadata is read; bytes that are no image are
        // refused with the metadata's reason, the clearer one.
        const maxPixels = this.config.storage.maxImagePixels;
        const thumbnailing = makeThumbnail(source, maxPixels);
        thumbnailing.catch(() => undefined);
        const image = await readImageMetadata(source, maxPixels);
        const thumbnail = await thumbnailing;
        const [file, thumbnailFile] = await store(
          { source, extension: imageExtension(image.format) },
          { source: thumbnail, extension: THUMBNAIL_EXTENSION },
        );
        return prepared({
          thumbnailUrl: assetThumbnailUrl(id),
          fields: { ...fields, ...image, ...fileColumns(file), thumbnailKey: thumbnailFile.key },
        });
      }
      if (fields.type === 'video') return prepared(await this.storeVideoFiles(id, fields, source, input.poster, store));
      const media = fields.type === 'audio' ? await readAudioMetadata(source, fields.mimeType as string) : {};
      const [file] = await store({ source, extension: MEDIA_MIME_TYPES[fields.mimeType as string].extension });
      return prepared({
        thumbnailUrl: null,
        fields: { ...fields, ...media, ...fileColumns(file), fileSize: byteSizeOf(source) },
      });
    } catch (error) {
      await this.files.discard(storedFiles);
      if (error instanceof StoringConditionNotMet) return null;
      throw error;
    }
  }

  /**
   * A video's size, duration and type read from its bytes (a file that is no MP4, WebM or QuickTime is a
   * 400), its poster frame as the thumbnail.
   */
  private async storeVideoFiles(
    id: string,
    fields: AssetFieldsFromInput,
    source: FileSource,
    poster: Buffer | undefined,
    store: (...files: NewFile[]) => Promise<StoredFile[]>,
  ): Promise<Pick<PreparedAsset, 'thumbnailUrl' | 'fields'>> {
    const { format, ...video } = await readVideoMetadata(source);
    const thumbnail = poster && (await makeThumbnail(poster, this.config.storage.maxImagePixels));
    const [file, thumbnailFile] = await store(
      { source, extension: format },
      ...(thumbnail ? [{ source: thumbnail, extension: THUMBNAIL_EXTENSION }] : []),
    );
    return {
      thumbnailUrl: thumbnailFile ? assetThumbnailUrl(id) : null,
      fields: { ...fields, ...video, format, ...fileColumns(file), thumbnailKey: thumbnailFile?.key ?? null },
    };
  }

  /**
   * Phase 2 of saveAsset: inserts the prepared row and claims its files, in `tx` when given (so a caller can
   * create assets and complete its own work atomically). Inserting the same PreparedAsset twice fails with a
   * conflict.
   */
  async createPreparedAsset(
    userId: string,
    prepared: PreparedAsset,
    tx?: Prisma.TransactionClient,
  ): Promise<AssetResponseDto> {
    assertUserId(userId);
    assertPreparedFor(userId, prepared);
    const { generationId } = prepared.fields;
    if (generationId && !(await this.jobs.isJobOfUser(generationId, userId, tx)))
      throw new NotFoundError('Generation job', generationId);
    const row = await this.insertPrepared(userId, prepared, tx);
    // In a caller's transaction the row is not committed yet: that caller announces it (jobs do, on completion).
    if (!tx) this.events.emit(CREATIVE_EVENTS.assetCreated, assetCreatedEvent(row));
    return this.links.toResponse(row);
  }

  /**
   * Phase 2 for the results of a generation job: the statements that insert their rows and give them their
   * files, to run in the statement that completes `job` (the jobs repository's completeWithAssets), each
   * changing nothing unless `when` holds. That statement moves the job's row to completed, so the generation
   * the assets name needs no lookup. Refused first, with nothing written, unless every result names the job,
   * was stored for its user and has a parent the user can see. Also returns the assets, which the job
   * announces once it commits.
   */
  async jobAssetWrites(
    job: { id: string; userId: string },
    prepared: readonly PreparedAsset[],
  ): Promise<JobAssetWrites> {
    for (const asset of prepared) {
      assertPreparedFor(job.userId, asset);
      if (asset.fields.generationId !== job.id) {
        throw new ValidationError(`A result of job ${job.id} must name it as its generation`);
      }
    }
    // The results of one edit share their parent: each parent is looked up once.
    const parents = new Set(prepared.map((asset) => asset.fields.parentAssetId));
    for (const parentAssetId of parents) await this.assertParentVisible(job.userId, parentAssetId);
    const rows = prepared.map((asset) => rowOf(job.userId, asset));
    const files = prepared.flatMap((asset) => asset.storedFiles);
    return {
      assets: rows.map(({ id, userId, type, sourceModule }) => ({
        id,
        userId,
        type,
        sourceModule,
        generationId: job.id,
      })),
      statements: (when) => [this.assets.insertWhenSql(rows, when), this.files.claimWhenSql(files, when)],
    };
  }

  /** Inserts the row of a prepared asset (its parent checked) and gives its files to it. */
  private async insertPrepared(
    userId: string,
    prepared: PreparedAsset,
    tx: Prisma.TransactionClient | undefined,
  ): Promise<CreativeAsset> {
    await this.assertParentVisible(userId, prepared.fields.parentAssetId, tx);
    const row = await this.assets.insert(rowOf(userId, prepared), tx);
    await this.files.claim(prepared.storedFiles, tx);
    return row;
  }

  /** A prepared asset's parent, when it has one, must be an asset the user can see. */
  private async assertParentVisible(
    userId: string,
    parentAssetId: string | null | undefined,
    tx?: Prisma.TransactionClient,
  ) {
    if (parentAssetId && !(await this.assets.isVisible(userId, parentAssetId, tx)))
      throw new NotFoundError('Asset', parentAssetId);
  }

  /** Gives up the files of a prepared asset whose row was not (or will not be) inserted. */
  async discardPreparedAsset(prepared: Pick<PreparedAsset, 'storedFiles'>): Promise<void> {
    await this.files.discard(prepared.storedFiles);
  }

  /** One asset: the caller's own or a public one. */
  async getAsset(userId: string, id: string): Promise<AssetResponseDto> {
    return this.links.toResponse(await this.findAsset(userId, id, 'read'));
  }

  /**
   * The lineage of an asset the caller can see: its ancestors (parent first) and descendants (children first)
   * through parentAssetId, only rows the caller may see, in one recursive query with a bounded depth.
   */
  async getLineage(userId: string, id: string): Promise<LineageResponseDto> {
    await this.findAsset(userId, id, 'read');
    const rows = await this.assets.findLineage(userId, id);
    const of = (direction: LineageRow['direction']) =>
      this.links.toResponses(rows.filter((row) => row.direction === direction).map(asAssetRow));
    return { ancestors: await of('ancestor'), descendants: await of('descendant') };
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
    if (query.collectionId && !(await this.collections.isOwnedBy(userId, query.collectionId))) {
      throw new NotFoundError('Collection', query.collectionId);
    }
    const rows = await this.assets.findPage(userId, query, tags, range);
    const page = toPage(
      rows,
      query.limit,
      (row) => assetCursorValues(row, query.sort, query.order),
      (row) => row,
    );
    return { ...page, items: await this.links.toResponses(page.items) };
  }

  async updateAsset(userId: string, id: string, changes: UpdateAssetDto): Promise<AssetResponseDto> {
    await this.findAsset(userId, id, 'change');
    if (changes.metadata) assertJsonObject(changes.metadata, 'metadata');
    const row = await this.assets.updateOwned(userId, id, {
      title: changes.title,
      description: changes.description === '' ? null : changes.description,
      category: changes.category === '' ? null : changes.category,
      tags: changes.tags && normalizeTags(changes.tags),
      isPublic: changes.isPublic,
      isFavorite: changes.isFavorite,
      metadata: changes.metadata,
    });
    return this.links.toResponse(row);
  }

  /**
   * Deletes the row (its collection links go with it by cascade) and those of its files that no other asset
   * shares. The files are recorded for deletion in the same transaction, so a failed or interrupted file
   * deletion is retried by the sweep and no row ever points at a missing file.
   */
  async deleteAsset(userId: string, id: string): Promise<DeletedResponseDto> {
    const asset = await this.findAsset(userId, id, 'change');
    const keys = [asset.storageKey, asset.thumbnailKey].filter((key): key is string => key !== null);
    const released = await this.assets.deleteOwned(userId, id, (tx) => this.files.releaseInTransaction(keys, tx));
    if (!released) throw new NotFoundError('Asset', id);
    this.events.emit(CREATIVE_EVENTS.assetDeleted, { assetId: id, userId });
    if (released.length > 0) await this.files.retryPendingDeletions({ keys: released });
    return { success: true };
  }

  /** Flips isFavorite in one UPDATE, so concurrent toggles never lose one. */
  async toggleFavorite(userId: string, id: string): Promise<FavoriteResponseDto> {
    return this.updateFavorite(userId, id, 'toggle');
  }

  /** Sets isFavorite to `favorite` (idempotent: setting it twice leaves it so). */
  async setFavorite(userId: string, id: string, favorite: boolean): Promise<FavoriteResponseDto> {
    return this.updateFavorite(userId, id, favorite);
  }

  private async updateFavorite(userId: string, id: string, favorite: boolean | 'toggle'): Promise<FavoriteResponseDto> {
    const isFavorite = await this.assets.updateFavorite(userId, id, favorite);
    if (isFavorite === undefined) return this.rejectChange(userId, id);
    return { success: true, isFavorite };
  }

  /** Adds tags under the tag rule; the row is locked so concurrent additions cannot exceed the cap. */
  async addTags(userId: string, id: string, tags: string[]): Promise<AssetResponseDto> {
    const added = normalizeTags(tags);
    const row = await this.assets.updateTagsLocked(id, (locked) =>
      mergeTags(assertAccess(locked, userId, 'change', 'Asset', id).tags, added),
    );
    return this.links.toResponse(row);
  }

  /**
   * Counts one use in a single UPDATE (atomic under any concurrency) and stamps lastUsedAt; usage does not
   * touch updatedAt, which tracks edits. view/download/share are open to readers of a public asset.
   */
  async recordUsage(userId: string, id: string, action: UsageAction): Promise<UsageResponseDto> {
    const counts = await this.assets.incrementUsage(userId, id, action, READER_USAGE_ACTIONS.includes(action));
    if (!counts) return this.rejectChange(userId, id);
    return { success: true, action, ...counts };
  }

  /** The stored bytes (or a text asset's content) of an asset the caller may read. */
  async getAssetFile(userId: string, id: string): Promise<AssetFile> {
    return this.fileOf(await this.findAsset(userId, id, 'read'), 'file');
  }

  async getAssetThumbnail(userId: string, id: string): Promise<AssetFile> {
    return this.fileOf(await this.findAsset(userId, id, 'read'), 'thumbnail');
  }

  /** The bytes a signed link names, for whoever holds it: 403 when it is forged, altered or expired. */
  async getSignedAssetFile(link: SignedLink, signature: string): Promise<AssetFile> {
    this.links.assertValid(link, signature);
    const asset = await this.assets.findWithKeys(link.assetId);
    if (!asset) throw new NotFoundError('Asset', link.assetId);
    return this.fileOf(asset, link.variant);
  }

  private async fileOf(asset: CreativeAsset, variant: LinkVariant): Promise<AssetFile> {
    if (variant === 'thumbnail') {
      if (!asset.thumbnailKey) throw new NotFoundError('Thumbnail of asset', asset.id);
      return {
        body: await this.storage.createReadStream(asset.thumbnailKey),
        contentType: THUMBNAIL_MIME_TYPE,
        fileName: `${asset.id}.thumbnail.${THUMBNAIL_EXTENSION}`,
        etag: storedFileTag(asset.thumbnailKey),
      };
    }
    if (asset.type === 'text') {
      const content = Buffer.from(asset.content ?? '', 'utf8');
      return {
        body: Readable.from([content]),
        contentType: 'text/plain; charset=utf-8',
        fileName: `${asset.id}.txt`,
        etag: `"${createHash('sha256').update(content).digest('base64url')}"`,
      };
    }
    if (!asset.storageKey) throw new NotFoundError('File of asset', asset.id);
    return {
      body: await this.storage.createReadStream(asset.storageKey),
      contentType: asset.mimeType ?? 'application/octet-stream',
      // Keys end in the extension the file was stored under.
      fileName: `${asset.id}.${asset.storageKey.split('.').pop()}`,
      etag: storedFileTag(asset.storageKey),
    };
  }

  /**
   * The stored image of an asset the caller can see, in memory (a reference image handed to a provider):
   * 404 when it is not visible or has no file, 400 when it is no image.
   */
  async readImageBytes(userId: string, id: string): Promise<{ bytes: Buffer; mimeType: string }> {
    const asset = await this.findAsset(userId, id, 'read');
    if (asset.type !== 'image') throw new ValidationError(`Asset ${id} is a ${asset.type} asset, not an image`);
    if (!asset.storageKey || !asset.mimeType) throw new NotFoundError('File of asset', id);
    return { bytes: await this.storage.read(asset.storageKey), mimeType: asset.mimeType };
  }

  /** The asset with its storage keys, if the caller may see it (and change it, for 'change'). */
  private async findAsset(userId: string, id: string, access: AccessMode): Promise<CreativeAsset> {
    return assertAccess(await this.assets.findVisible(userId, id), userId, access, 'Asset', id);
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
