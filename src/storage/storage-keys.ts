import { randomUUID } from 'node:crypto';
import { ValidationError } from '../common/errors';
import { UUID_SOURCE } from '../common/validation';

/** `<yyyy>/<mm>/<uuid>.<ext>`: the only shape of key the engine ever writes. */
const STORAGE_KEY_PATTERN = new RegExp(`^\\d{4}/(0[1-9]|1[0-2])/${UUID_SOURCE}\\.[a-z0-9]{1,10}$`);
const EXTENSION_PATTERN = /^[a-z0-9]{1,10}$/;

export class InvalidStorageKeyError extends Error {
  constructor(key: string) {
    super(`Not a storage key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** A fresh server-generated key; the month folder keeps directories small. */
export function newStorageKey(extension: string, now = new Date()): string {
  const normalized = extension.replace(/^\./, '').toLowerCase();
  if (!EXTENSION_PATTERN.test(normalized)) {
    throw new ValidationError(
      `File extension must be 1-10 letters or digits, got ${JSON.stringify(extension.slice(0, 20))}`,
    );
  }
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${now.getUTCFullYear()}/${month}/${randomUUID()}.${normalized}`;
}

/**
 * Keys reach the store only from rows the server wrote, but every read and delete checks the shape anyway:
 * no `..`, no absolute path, no separator other than the two fixed ones, so nothing can escape the root.
 */
export function assertStorageKey(key: string): void {
  if (typeof key !== 'string' || !STORAGE_KEY_PATTERN.test(key)) throw new InvalidStorageKeyError(String(key));
}
