import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { EngineConfig } from '../config/engine-config';
import { fileTooLarge } from '../storage/storage.service';
import { UPLOAD_FORM_OVERHEAD_BYTES } from './dto/upload-asset.dto';

/**
 * Answers 413 before reading a byte of an upload whose Content-Length announces more than a file of
 * STORAGE_MAX_FILE_BYTES in the largest form allowed; the spool still counts the bytes of every other one
 * (chunked bodies, or a length that was not the truth).
 */
@Injectable()
export class UploadSizeInterceptor implements NestInterceptor {
  constructor(private readonly config: EngineConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const declared = Number(context.switchToHttp().getRequest<Request>().headers['content-length']);
    const limit = this.config.storage.maxFileBytes;
    if (declared > limit + UPLOAD_FORM_OVERHEAD_BYTES) throw fileTooLarge(limit);
    return next.handle();
  }
}
