import { Injectable } from '@nestjs/common';
import { Prisma, type PendingFileDeletion, type StoredObject } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Db } from './assets.repository';

/** A file about to be stored for a user: the intent to record, the sha256 of its bytes, the key it gets if new. */
export interface FileReservation {
  intentId: string;
  checksum: string;
  newKey: string;
  byteSize: number;
}

/** The key a reservation holds, and whether its bytes still have to be written there. */
export interface HeldKey {
  key: string;
  writeBytes: boolean;
}

/**
 * Every statement on the bookkeeping of stored files: stored_objects (one row per file, reference-counted by a
 * trigger on creative_assets), storage_intents (keys being written or reused for an asset not inserted yet)
 * and pending_file_deletions (files to delete, retried until they are gone).
 */
@Injectable()
export class StoredFilesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records the intents for new files of the user in one statement, answered in their order. Each holds the
   * user's object with its bytes when there is one (its row locked while the intent is written, so a
   * concurrent release either sees the intent or has deleted the row first), else reserves its `newKey` and
   * records its object, pending until an asset names it. The bytes are to be written unless an asset already
   * names the object held: a pending object's writer may not have written them, or may never. With a
   * `condition` (a statement, run as a part of this one), nothing is recorded unless it returns a row, and null
   * says so.
   */
  async holdOrReserve(
    userId: string,
    reservations: readonly FileReservation[],
    condition?: Prisma.Sql,
  ): Promise<HeldKey[] | null> {
    if (reservations.length === 0) {
      if (condition) throw new TypeError('A condition on storing files needs files to store');
      return [];
    }
    // Prepared, on the job pipeline's path. The reservations go as one JSON parameter rather than as arrays: the
    // planner sizes a set from JSON alike with and without its value, so the plan it keeps for the statement
    // (a generic one) costs no more than one made for the values, and it stops planning every run.
    const wanted = JSON.stringify(reservations.map((reservation, index) => ({ ...reservation, position: index })));
    const held = await this.prisma.prepared.query<HeldKey[]>`
      WITH ${condition ? Prisma.sql`"condition" AS (${condition}), ` : Prisma.empty}"wanted" AS (
        SELECT * FROM jsonb_to_recordset(${wanted}::jsonb)
          AS "w" ("intentId" uuid, "checksum" text, "newKey" text, "byteSize" int, "position" int)
        ${condition ? Prisma.sql`WHERE EXISTS (SELECT 1 FROM "condition")` : Prisma.empty}
      ), "held" AS (
        SELECT "w"."intentId", "w"."position", "w"."newKey", "w"."checksum", "w"."byteSize",
               "existing"."key" AS "existingKey", "existing"."pending" AS "existingPending"
        FROM "wanted" "w" LEFT JOIN LATERAL (
          SELECT "key", "pending" FROM "stored_objects"
          WHERE "userId" = ${userId} AND "checksum" = "w"."checksum"
          ORDER BY "pending", "createdAt" LIMIT 1 FOR UPDATE
        ) "existing" ON true
      ), "object" AS (
        INSERT INTO "stored_objects" ("key", "userId", "checksum", "byteSize", "pending")
        SELECT "newKey", ${userId}, "checksum", "byteSize", true FROM "held" WHERE "existingKey" IS NULL
      ), "intent" AS (
        INSERT INTO "storage_intents" ("id", "key")
        SELECT "intentId", COALESCE("existingKey", "newKey") FROM "held"
        RETURNING "id", "key"
      )
      SELECT "intent"."key", "held"."existingKey" IS NULL OR "held"."existingPending" AS "writeBytes"
      FROM "intent" JOIN "held" ON "held"."intentId" = "intent"."id"
      ORDER BY "held"."position"`;
    return held.length > 0 ? held : null;
  }

  /** Clears intents, in the transaction that inserts their asset or after their write was given up. */
  async clearIntents(intentIds: readonly string[], db: Db = this.prisma): Promise<void> {
    if (intentIds.length > 0)
      await db.$executeRaw`DELETE FROM "storage_intents" WHERE "id" = ANY(${[...intentIds]}::uuid[])`;
  }

  /**
   * A DELETE of the intents when `when` holds, as a part of a caller's statement (the job's completion, which is
   * prepared). The ids pass through a sub-select, which hides how many there are from the planner with and
   * without their value alike, so the plan it keeps costs what a fresh one would; the lookup stays on the key.
   */
  clearIntentsWhenSql(intentIds: readonly string[], when: Prisma.Sql): Prisma.Sql {
    return Prisma.sql`DELETE FROM "storage_intents"
      WHERE "id" = ANY(ARRAY(SELECT unnest(${[...intentIds]}::uuid[]))) AND ${when}`;
  }

  /** Deletes up to `limit` intents older than `before` (their writers died) and returns their keys. */
  async deleteStaleIntents(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.direct.query<{ key: string }[]>`
      DELETE FROM "storage_intents" WHERE id IN (
        SELECT id FROM "storage_intents" WHERE "createdAt" < ${before} ORDER BY "createdAt" LIMIT ${limit})
      RETURNING "key"`;
    return rows.map((row) => row.key);
  }

  /** Keys of up to `limit` objects that no asset holds (e.g. after a write whose asset never came). */
  async findUnreferencedKeys(limit: number): Promise<string[]> {
    const rows = await this.prisma.storedObject.findMany({
      where: { refCount: { lte: 0 } },
      orderBy: { createdAt: 'asc' },
      select: { key: true },
      take: limit,
    });
    return rows.map((row) => row.key);
  }

  /**
   * Of `keys`, those that no asset and no intent holds any more lose their object row and are recorded for
   * deletion, all in `db`'s transaction (a new one when none is given); returns them. The rows are locked in
   * one statement and checked in the next, whose snapshot then sees every intent committed before the lock.
   */
  releaseUnheld(keys: readonly string[], db?: Db): Promise<string[]> {
    if (keys.length === 0) return Promise.resolve([]);
    const release = async (tx: Db) => {
      const sorted = [...new Set(keys)].sort();
      await tx.$queryRaw`SELECT "key" FROM "stored_objects" WHERE "key" = ANY(${sorted}::text[]) ORDER BY "key" FOR UPDATE`;
      const released = await tx.$queryRaw<{ key: string }[]>`
        WITH "unheld" AS (
          SELECT k."key" FROM unnest(${sorted}::text[]) AS k("key")
          LEFT JOIN "stored_objects" o ON o."key" = k."key"
          WHERE coalesce(o."refCount", 0) <= 0
            AND NOT EXISTS (SELECT 1 FROM "storage_intents" i WHERE i."key" = k."key")
        ), "gone" AS (
          DELETE FROM "stored_objects" WHERE "key" IN (SELECT "key" FROM "unheld")
        )
        INSERT INTO "pending_file_deletions" ("id", "key", "updatedAt")
        SELECT gen_random_uuid(), "key", now() FROM "unheld"
        ON CONFLICT ("key") DO UPDATE SET "updatedAt" = EXCLUDED."updatedAt"
        RETURNING "key"`;
      return released.map((row) => row.key);
    };
    return db ? release(db) : this.prisma.$transaction(release);
  }

  /** Up to `limit` objects in key order after `afterKey`: a walk over every stored file that can resume. */
  findObjectsAfter(afterKey: string | undefined, limit: number): Promise<StoredObject[]> {
    return this.prisma.storedObject.findMany({
      where: afterKey === undefined ? undefined : { key: { gt: afterKey } },
      orderBy: { key: 'asc' },
      take: limit,
    });
  }

  /** Records the checksum of a file stored before checksums were kept. */
  async recordMissingChecksum(key: string, checksum: string): Promise<void> {
    await this.prisma.storedObject.updateMany({ where: { key, checksum: null }, data: { checksum } });
  }

  /** Recorded deletions (of the given keys, or all), least recently tried first. */
  findPendingDeletions(keys: string[] | undefined, limit: number): Promise<PendingFileDeletion[]> {
    return this.prisma.pendingFileDeletion.findMany({
      where: keys ? { key: { in: keys } } : undefined,
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
  }

  async clearPendingDeletion(id: string): Promise<void> {
    await this.prisma.pendingFileDeletion.delete({ where: { id } });
  }

  async countFailedRetry(id: string, error: string): Promise<void> {
    await this.prisma.pendingFileDeletion.update({
      where: { id },
      data: { attempts: { increment: 1 }, lastError: error },
    });
  }
}
