-- A stored file's object row is written by the statement that records its intent, before the bytes are
-- written, instead of by a statement of its own after the write: one round trip fewer for every set of files.
-- Until an asset names the key, the row is "pending": its writer's bytes may not be there yet (or ever, when the
-- write fails). A later store of the same bytes holds such a key and writes the bytes itself, so its asset never
-- depends on another writer's success; it skips the write only for an object that an asset has named. Every row
-- that exists now was recorded after its write.
ALTER TABLE "stored_objects" ADD COLUMN "pending" BOOLEAN NOT NULL DEFAULT false;

-- An asset is inserted only after its files were written: naming a key settles its object.
CREATE OR REPLACE FUNCTION "creative_assets_stored_object_refs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE "stored_objects" SET "refCount" = 0 WHERE "refCount" <> 0;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "stored_objects" SET "refCount" = "refCount" - 1 WHERE "key" IN (OLD."storageKey", OLD."thumbnailKey");
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE "stored_objects" SET "refCount" = "refCount" + 1, "pending" = false
    WHERE "key" IN (NEW."storageKey", NEW."thumbnailKey");
  END IF;
  RETURN NULL;
END
$$;
