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
import { removeSpooledFile, type SpooledUpload } from './upload-spool';

/** The sourceModule of every uploaded asset. */
export const UPLOAD_SOURCE_MODULE = 'upload';

const NO_FILE = new ValidationError('A multipart field "file" with the bytes is required', [
  { field: 'file', problems: ['file is required'] },
]);

/**
 * Uploads into the library (POST /assets/upload): the type and MIME type are sniffed from the bytes, then the
 * file goes the one way every asset goes (AssetsService.saveAsset: image metadata, thumbnail, content-addressed
 * storage), read from the spooled file and streamed to the store. A refused file stores nothing; the spooled
 * file is removed either way.
 */
@Injectable()
export class AssetUploadsService {
  constructor(private readonly assets: AssetsService) {}

  async upload(userId: string, file: SpooledUpload | undefined, fields: UploadAssetDto): Promise<AssetResponseDto> {
    if (!file) throw NO_FILE;
    try {
      return await this.save(userId, file, fields);
    } finally {
      await removeSpooledFile(file);
    }
  }

  private async save(userId: string, file: SpooledUpload, fields: UploadAssetDto): Promise<AssetResponseDto> {
    const sniffed = await sniffUpload(file);
    // eslint-disable-next-line no-control-regex -- a client's file name may carry anything
    const name = path.basename(file.originalname ?? '').replace(/[\u0000-\u001f\u007f]/g, '');
    const originalName = truncate(name, ASSET_LIMITS.labelLength);
    const onDisk = { path: file.path, size: file.size, sha256: file.sha256 };
    const payload: Pick<SaveAssetInput, 'type' | 'file' | 'content' | 'mimeType'> =
      sniffed.type === 'text'
        ? { type: 'text', content: sniffed.content }
        : { type: sniffed.type, file: onDisk, mimeType: sniffed.type === 'image' ? undefined : sniffed.mimeType };
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
