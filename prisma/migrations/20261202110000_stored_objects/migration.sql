-- Content-addressed, reference-counted files with no orphans.
-- stored_objects: one row per stored file (an asset's file or thumbnail), with the sha256 of its bytes, so
-- that one user's identical bytes are stored once; refCount is the number of assets naming the key, kept by
-- the trigger below in the same transaction as every insert, delete and key change of an asset.
-- storage_intents: a key about to be written or reused, recorded in its own statement before the bytes are
-- written and deleted in the transaction that inserts the asset. An intent that outlives its grace period
-- belongs to a process that died in between: the sweep deletes the intent and, when nothing else holds the
-- key, the object.

-- AlterTable
ALTER TABLE "creative_assets" ADD COLUMN "checksum" TEXT;

-- CreateTable
CREATE TABLE "stored_objects" (
    "key" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "checksum" TEXT,
    "byteSize" INTEGER,
    "refCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stored_objects_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "storage_intents" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "storage_intents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "stored_objects_userId_checksum_idx" ON "stored_objects"("userId", "checksum");

-- CreateIndex
CREATE INDEX "stored_objects_refCount_idx" ON "stored_objects"("refCount");

-- CreateIndex
CREATE INDEX "storage_intents_key_idx" ON "storage_intents"("key");

-- CreateIndex
CREATE INDEX "storage_intents_createdAt_idx" ON "storage_intents"("createdAt");

-- An asset holds its file and its thumbnail. Keys without a stored_objects row (none are written so, but a
-- host may insert rows itself) are left alone: their deletion is recorded directly when the asset goes.
CREATE FUNCTION "creative_assets_stored_object_refs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE "stored_objects" SET "refCount" = 0 WHERE "refCount" <> 0;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "stored_objects" SET "refCount" = "refCount" - 1 WHERE "key" IN (OLD."storageKey", OLD."thumbnailKey");
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE "stored_objects" SET "refCount" = "refCount" + 1 WHERE "key" IN (NEW."storageKey", NEW."thumbnailKey");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "creative_assets_stored_object_refs_insert_delete"
  AFTER INSERT OR DELETE ON "creative_assets"
  FOR EACH ROW EXECUTE FUNCTION "creative_assets_stored_object_refs"();

CREATE TRIGGER "creative_assets_stored_object_refs_update"
  AFTER UPDATE OF "storageKey", "thumbnailKey" ON "creative_assets"
  FOR EACH ROW
  WHEN (OLD."storageKey" IS DISTINCT FROM NEW."storageKey" OR OLD."thumbnailKey" IS DISTINCT FROM NEW."thumbnailKey")
  EXECUTE FUNCTION "creative_assets_stored_object_refs"();

CREATE TRIGGER "creative_assets_stored_object_refs_truncate"
  AFTER TRUNCATE ON "creative_assets"
  FOR EACH STATEMENT EXECUTE FUNCTION "creative_assets_stored_object_refs"();

-- Backfill: the files of existing assets, with their reference counts. Their checksums are unknown until
-- `npm run storage:migrate` (or a later write of the same bytes) computes them.
INSERT INTO "stored_objects" ("key", "userId", "refCount")
SELECT "key", min("userId"), count(*)::int
FROM (
  SELECT "storageKey" AS "key", "userId" FROM "creative_assets" WHERE "storageKey" IS NOT NULL
  UNION ALL
  SELECT "thumbnailKey", "userId" FROM "creative_assets" WHERE "thumbnailKey" IS NOT NULL
) AS keys
GROUP BY "key";
