import { Injectable } from '@nestjs/common';
import path from 'node:path';
import { ValidationError } from '../common/errors';
import { truncate } from '../common/text';
import { ASSET_LIMITS } from './asset-rules';
import { AssetsService } from './assets.service';
import type { AssetResponseDto } from './dto/asset-response.dto';
import type { UploadAssetDto } from './dto/upload-asset.dto';
import type { SaveAssetInput } from './save-asset-input';
import { sniffUpload } from './upload-content';

/** The sourceModule of every uploaded asset. */
export const UPLOAD_SOURCE_MODULE = 'upload';

/** A file as the multipart parser hands it over (held in memory, at most STORAGE_MAX_FILE_BYTES). */
export interface UploadedFileInput {
  bytes: Buffer;
  /** The name the client gave it: a default title, never a type or a storage key. */
  originalName?: string;
}

const NO_FILE = new ValidationError('A multipart field "file" with the bytes is required', [
  { field: 'file', problems: ['file is required'] },
]);

/**
 * Uploads into the library (POST /assets/upload): the type and MIME type are sniffed from the bytes, then the
 * file goes the one way every asset goes (AssetsService.saveAsset: image metadata, thumbnail, content-addressed
 * storage). A refused file stores nothing.
 */
@Injectable()
export class AssetUploadsService {
  constructor(private readonly assets: AssetsService) {}

  async upload(userId: string, file: UploadedFileInput | undefined, fields: UploadAssetDto): Promise<AssetResponseDto> {
    if (!file) throw NO_FILE;
    const sniffed = await sniffUpload(file.bytes);
    // eslint-disable-next-line no-control-regex -- a client's file name may carry anything
    const name = path.basename(file.originalName ?? '').replace(/[\u0000-\u001f\u007f]/g, '');
    const originalName = truncate(name, ASSET_LIMITS.labelLength);
    const payload: Pick<SaveAssetInput, 'type' | 'bytes' | 'content' | 'mimeType'> =
      sniffed.type === 'text'
        ? { type: 'text', content: sniffed.content }
        : { type: sniffed.type, bytes: file.bytes, mimeType: sniffed.type === 'image' ? undefined : sniffed.mimeType };
    return this.assets.saveAsset(userId, {
      ...payload,
      sourceModule: UPLOAD_SOURCE_MODULE,
      title: fields.title ?? (truncate(originalName, ASSET_LIMITS.titleLength) || 'Upload'),
      tags: fields.tags,
      category: fields.category,
      isPublic: fields.isPublic,
      metadata: { ...(originalName && { originalName }), sniffedMimeType: sniffed.mimeType },
    });
  }
}
