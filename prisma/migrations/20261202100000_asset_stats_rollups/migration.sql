-- GET /assets/stats from aggregates instead of a scan of every asset of the user: one row per
-- user × UTC day × type × sourceModule × provider × model with the count, cost, bytes and usage counters of
-- those assets. A trigger keeps it in the same transaction as every insert, delete and change of a counted
-- column, so it is exact by construction; the backfill below counts the assets that exist already.
-- provider and model are '' where the asset has none: a primary key cannot hold NULL.

-- CreateTable
CREATE TABLE "creative_asset_rollups" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "type" "AssetType" NOT NULL,
    "sourceModule" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT '',
    "model" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "cost" DECIMAL(18,6) NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "views" BIGINT NOT NULL DEFAULT 0,
    "downloads" BIGINT NOT NULL DEFAULT 0,
    "shares" BIGINT NOT NULL DEFAULT 0,
    "uses" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "creative_asset_rollups_pkey" PRIMARY KEY ("userId","day","type","sourceModule","provider","model")
);

-- Adds (sign 1) or removes (sign -1) one asset's share of its rollup row; a row that counts no asset any more goes.
CREATE FUNCTION "creative_asset_rollup_apply"(asset "creative_assets", sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  rollup_day DATE := (asset."createdAt" AT TIME ZONE 'UTC')::date;
BEGIN
  INSERT INTO "creative_asset_rollups" AS r
    ("userId", "day", "type", "sourceModule", "provider", "model", "count", "cost", "bytes", "views", "downloads", "shares", "uses")
  VALUES (
    asset."userId", rollup_day, asset."type", asset."sourceModule", coalesce(asset."provider", ''), coalesce(asset."model", ''),
    sign, sign * coalesce(asset."cost", 0), sign * coalesce(asset."fileSize", 0),
    sign * asset."viewCount", sign * asset."downloadCount", sign * asset."shareCount", sign * asset."useCount")
  ON CONFLICT ("userId", "day", "type", "sourceModule", "provider", "model") DO UPDATE SET
    "count" = r."count" + EXCLUDED."count",
    "cost" = r."cost" + EXCLUDED."cost",
    "bytes" = r."bytes" + EXCLUDED."bytes",
    "views" = r."views" + EXCLUDED."views",
    "downloads" = r."downloads" + EXCLUDED."downloads",
    "shares" = r."shares" + EXCLUDED."shares",
    "uses" = r."uses" + EXCLUDED."uses";
  IF sign < 0 THEN
    DELETE FROM "creative_asset_rollups"
    WHERE "userId" = asset."userId" AND "day" = rollup_day AND "type" = asset."type"
      AND "sourceModule" = asset."sourceModule" AND "provider" = coalesce(asset."provider", '')
      AND "model" = coalesce(asset."model", '') AND "count" = 0;
  END IF;
END
$$;

-- An update that keeps the asset in its group (a usage counter, a cost) changes that row in place; one that
-- moves it (another day, type, model …) takes it out of the old group and into the new.
CREATE FUNCTION "creative_assets_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (OLD."userId", (OLD."createdAt" AT TIME ZONE 'UTC')::date, OLD."type", OLD."sourceModule",
          coalesce(OLD."provider", ''), coalesce(OLD."model", ''))
       = (NEW."userId", (NEW."createdAt" AT TIME ZONE 'UTC')::date, NEW."type", NEW."sourceModule",
          coalesce(NEW."provider", ''), coalesce(NEW."model", '')) THEN
    UPDATE "creative_asset_rollups" SET
      "cost" = "cost" + coalesce(NEW."cost", 0) - coalesce(OLD."cost", 0),
      "bytes" = "bytes" + coalesce(NEW."fileSize", 0) - coalesce(OLD."fileSize", 0),
      "views" = "views" + NEW."viewCount" - OLD."viewCount",
      "downloads" = "downloads" + NEW."downloadCount" - OLD."downloadCount",
      "shares" = "shares" + NEW."shareCount" - OLD."shareCount",
      "uses" = "uses" + NEW."useCount" - OLD."useCount"
    WHERE "userId" = NEW."userId" AND "day" = (NEW."createdAt" AT TIME ZONE 'UTC')::date AND "type" = NEW."type"
      AND "sourceModule" = NEW."sourceModule" AND "provider" = coalesce(NEW."provider", '')
      AND "model" = coalesce(NEW."model", '');
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM "creative_asset_rollup_apply"(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM "creative_asset_rollup_apply"(NEW, 1); END IF;
  RETURN NULL;
END
$$;

-- Only changes of what the rollups count fire it: a title edit or a favourite flip costs nothing.
CREATE TRIGGER "creative_assets_rollup_insert_delete"
  AFTER INSERT OR DELETE ON "creative_assets"
  FOR EACH ROW EXECUTE FUNCTION "creative_assets_rollup"();

CREATE TRIGGER "creative_assets_rollup_update"
  AFTER UPDATE OF "userId", "createdAt", "type", "sourceModule", "provider", "model", "cost", "fileSize",
                  "viewCount", "downloadCount", "shareCount", "useCount" ON "creative_assets"
  FOR EACH ROW
  WHEN (
    (OLD."userId", OLD."createdAt", OLD."type", OLD."sourceModule", OLD."provider", OLD."model", OLD."cost",
     OLD."fileSize", OLD."viewCount", OLD."downloadCount", OLD."shareCount", OLD."useCount")
    IS DISTINCT FROM
    (NEW."userId", NEW."createdAt", NEW."type", NEW."sourceModule", NEW."provider", NEW."model", NEW."cost",
     NEW."fileSize", NEW."viewCount", NEW."downloadCount", NEW."shareCount", NEW."useCount")
  )
  EXECUTE FUNCTION "creative_assets_rollup"();

-- Emptying the assets (an operator's TRUNCATE) empties what counts them.
CREATE FUNCTION "creative_assets_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "creative_asset_rollups";
  RETURN NULL;
END
$$;

CREATE TRIGGER "creative_assets_rollup_truncate"
  AFTER TRUNCATE ON "creative_assets"
  FOR EACH STATEMENT EXECUTE FUNCTION "creative_assets_rollup_truncate"();

-- Backfill
INSERT INTO "creative_asset_rollups"
  ("userId", "day", "type", "sourceModule", "provider", "model", "count", "cost", "bytes", "views", "downloads", "shares", "uses")
SELECT "userId", ("createdAt" AT TIME ZONE 'UTC')::date, "type", "sourceModule", coalesce("provider", ''), coalesce("model", ''),
       count(*), coalesce(sum("cost"), 0), coalesce(sum("fileSize"), 0),
       sum("viewCount"), sum("downloadCount"), sum("shareCount"), sum("useCount")
FROM "creative_assets"
GROUP BY 1, 2, 3, 4, 5, 6;

-- The stats read whole days from the rollups and the edges of a range through ("userId", "createdAt"); the
-- covering index that served the old full scan only slows every write now.
DROP INDEX "creative_assets_userId_stats_idx";
