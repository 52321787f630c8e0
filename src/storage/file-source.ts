import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/**
 * A file on this machine's disk whose size and sha256 were measured while it was written (the upload spool does
 * so as the bytes arrive): stored by streaming it, read by sharp and the probes from the file, never held whole.
 */
export interface FileOnDisk {
  readonly path: string;
  readonly size: number;
  /** sha256 of the bytes, hex. */
  readonly sha256: string;
}

/** The bytes of a file to inspect or store: in memory (generated output) or on disk (uploads). */
export type FileSource = Buffer | FileOnDisk;

export const byteSizeOf = (source: FileSource): number => (Buffer.isBuffer(source) ? source.length : source.size);

/** What sharp and mediabunny open: the bytes, or the file's path. */
export const pathOrBytes = (source: FileSource): Buffer | string => (Buffer.isBuffer(source) ? source : source.path);

/** The body to hand a FileStore: the bytes, or a stream of the file. */
export const bodyOf = (source: FileSource): Buffer | Readable =>
  Buffer.isBuffer(source) ? source : createReadStream(source.path);

/** The first `length` bytes (fewer when the file is shorter): enough for magic numbers and headers. */
export async function readHead(source: FileSource, length: number): Promise<Buffer> {
  if (Buffer.isBuffer(source)) return source.subarray(0, length);
  const handle = await open(source.path, 'r');
  try {
    const head = Buffer.alloc(Math.min(length, source.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
