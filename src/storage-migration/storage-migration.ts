import { AssetsRepository } from '../assets/assets.repository';
import { sha256Hex } from '../assets/stored-files';
import { StoredFilesRepository } from '../assets/stored-files.repository';
import { FileNotFoundError, type FileStore } from '../storage/file-store';
import type { S3FileStore } from '../storage/s3-file-store';

export interface MigrationFailure {
  key: string;
  reason: string;
}

export interface MigrationReport {
  /** Objects written to the bucket and read back intact by this run. */
  copied: number;
  /** Objects the bucket already held with the right checksum (an earlier, possibly interrupted, run). */
  alreadyThere: number;
  /** Assets that got the checksum of their file recorded (files stored before checksums were kept). */
  checksumsRecorded: number;
  failed: MigrationFailure[];
}

const BATCH_SIZE = 100;
const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Copies every stored file from the local disk to the bucket, so the library can move to STORAGE_DRIVER=s3.
 * Per object: read the local file, check it against its recorded sha256 (recording the sha256 where none
 * was kept), skip it when the bucket already holds those bytes, else write it and read it back to verify.
 * Storage keys are the same on both drivers, so once every object is copied only STORAGE_DRIVER changes.
 * Running it again copies nothing that is already there; an interrupted run resumes where it stopped.
 * Local files are left in place: they are the way back until the switch is done.
 */
export class StorageMigration {
  constructor(
    private readonly files: StoredFilesRepository,
    private readonly assets: AssetsRepository,
    private readonly source: FileStore,
    private readonly target: S3FileStore,
    private readonly progress: (line: string) => void = () => undefined,
  ) {}

  async run(): Promise<MigrationReport> {
    const report: MigrationReport = { copied: 0, alreadyThere: 0, checksumsRecorded: 0, failed: [] };
    let afterKey: string | undefined;
    for (;;) {
      const objects = await this.files.findObjectsAfter(afterKey, BATCH_SIZE);
      if (objects.length === 0) break;
      for (const object of objects) {
        const outcome = await this.migrate(object.key, object.checksum).catch((error: unknown): MigrationFailure => ({
          key: object.key,
          reason: describeError(error),
        }));
        if (typeof outcome === 'object') report.failed.push(outcome);
        else report[outcome] += 1;
      }
      afterKey = objects[objects.length - 1].key;
      this.progress(`${report.copied} copied, ${report.alreadyThere} already there, ${report.failed.length} failed`);
    }
    report.checksumsRecorded = await this.assets.fillChecksumsFromStoredObjects();
    return report;
  }

  private async migrate(key: string, recorded: string | null): Promise<'copied' | 'alreadyThere' | MigrationFailure> {
    const bytes = await this.source.read(key).catch(async (error: unknown) => {
      if (!(error instanceof FileNotFoundError)) throw error;
      return undefined;
    });
    if (!bytes) {
      // A copy verified by an earlier run whose local file has gone since is still migrated.
      const copied = recorded !== null && (await this.target.storedChecksum(key)) === recorded;
      return copied ? 'alreadyThere' : { key, reason: 'missing on the local disk and not in the bucket' };
    }
    const checksum = sha256Hex(bytes);
    if (recorded !== null && recorded !== checksum) {
      return { key, reason: `the local file's sha256 ${checksum} is not the recorded ${recorded}: not copied` };
    }
    if (recorded === null) await this.files.recordMissingChecksum(key, checksum);
    if ((await this.target.storedChecksum(key)) === checksum) return 'alreadyThere';
    await this.target.write(key, bytes, { sha256: checksum });
    const readBack = sha256Hex(await this.target.read(key));
    if (readBack !== checksum) {
      await this.target.remove(key);
      return { key, reason: `the bucket returned bytes with sha256 ${readBack} instead of ${checksum}` };
    }
    return 'copied';
  }
}
