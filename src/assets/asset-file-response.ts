import { applyDecorators, Header, StreamableFile } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AssetFile } from './assets.service';

/**
 * What every route that serves asset bytes declares: nosniff and a sandboxing CSP (served bytes never run as a
 * page of the API's origin), and the conditional request a cache makes with the ETag it kept.
 */
export function ServesAssetBytes(): MethodDecorator {
  return applyDecorators(
    Header('X-Content-Type-Options', 'nosniff'),
    Header('Content-Security-Policy', "default-src 'none'; sandbox"),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'An ETag of an earlier answer: 304 if unchanged',
    }),
    ApiResponse({ status: 304, description: 'Not modified: the ETag of If-None-Match still names these bytes' }),
  );
}

/**
 * The bytes with their type, ETag and cache policy, or an empty 304 when the caller's If-None-Match already
 * names them (the open stream is then closed unread).
 */
export function sendAssetFile(
  file: AssetFile,
  request: Request,
  response: Response,
  cacheControl: string,
): StreamableFile | undefined {
  response.setHeader('ETag', file.etag);
  response.setHeader('Cache-Control', cacheControl);
  const known = request
    .header('if-none-match')
    ?.split(',')
    .map((tag) => tag.trim());
  if (known?.includes(file.etag) || known?.includes('*')) {
    file.body.destroy();
    response.status(304);
    return undefined;
  }
  return new StreamableFile(file.body, { type: file.contentType, disposition: `inline; filename="${file.fileName}"` });
}
