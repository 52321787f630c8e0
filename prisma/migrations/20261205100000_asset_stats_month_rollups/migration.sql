-- GET /assets/stats over a long history added up thousands of per-day rollup rows on every request (5,110 for
-- the bench's heavy user at 1M assets: 730 days × 7 groups). Two coarser aggregates cut that to a few hundred:
--   creative_asset_month_rollups: per user × UTC month × type × sourceModule × provider × model, for the groups
--     of the whole months of a range (the per-day rollups still answer the days of a month it covers in part);
--   creative_asset_day_totals: per user × UTC day, the count and cost of all its assets, for the per-day series.
-- The same trigger keeps all three in the transaction of every change it counts. It takes the coarsest row
-- first (day total, then month, then day), so two transactions that each add assets of one user and one day take
-- their locks in the same order.

-- Writers wait until the new trigger function is in place and the backfill has read the per-day rollups, so no
-- change is counted in those but missed here.
LOCK TABLE "creative_assets" IN SHARE MODE;

-- CreateTable
CREATE TABLE "creative_asset_month_rollups" (
    "userId" TEXT NOT NULL,
    "month" DATE NOT NULL,
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

    CONSTRAINT "creative_asset_month_rollups_pkey" PRIMARY KEY ("userId","month","type","sourceModule","provider","model")
);

-- As for the per-day rollups: the stats read a user's rows as an index-only scan of contiguous pages.
CREATE INDEX "creative_asset_month_rollups_userId_month_idx" ON "creative_asset_month_rollups" ("userId", "month")
  INCLUDE ("type", "sourceModule", "provider", "model", "count", "cost", "views", "downloads", "shares", "uses");

-- CreateTable; the key INCLUDEs what the per-day series reads, so that read is an index-only scan too.
CREATE TABLE "creative_asset_day_totals" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "cost" DECIMAL(18,6) NOT NULL DEFAULT 0,

    CONSTRAINT "creative_asset_day_totals_pkey" PRIMARY KEY ("userId","day") INCLUDE ("count", "cost")
);

-- Adds (sign 1) or removes (sign -1) one asset's share of its three rows; a row that counts no asset any more goes.
CREATE OR REPLACE FUNCTION "creative_asset_rollup_apply"(asset "creative_assets", sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  rollup_day DATE := (asset."createdAt" AT TIME ZONE 'UTC')::date;
  rollup_month DATE := date_trunc('month', rollup_day)::date;
BEGIN
  INSERT INTO "creative_asset_day_totals" AS t ("userId", "day", "count", "cost")
  VALUES (asset."userId", rollup_day, sign, sign * coalesce(asset."cost", 0))
  ON CONFLICT ("userId", "day") DO UPDATE SET
    "count" = t."count" + EXCLUDED."count",
    "cost" = t."cost" + EXCLUDED."cost";

  INSERT INTO "creative_asset_month_rollups" AS r
    ("userId", "month", "type", "sourceModule", "provider", "model", "count", "cost", "bytes", "views", "downloads", "shares", "uses")
  VALUES (
    asset."userId", rollup_month, asset."type", asset."sourceModule", coalesce(asset."provider", ''), coalesce(asset."model", ''),
    sign, sign * coalesce(asset."cost", 0), sign * coalesce(asset."fileSize", 0),
    sign * asset."viewCount", sign * asset."downloadCount", sign * asset."shareCount", sign * asset."useCount")
  ON CONFLICT ("userId", "month", "type", "sourceModule", "provider", "model") DO UPDATE SET
    "count" = r."count" + EXCLUDED."count",
    "cost" = r."cost" + EXCLUDED."cost",
    "bytes" = r."bytes" + EXCLUDED."bytes",
    "views" = r."views" + EXCLUDED."views",
    "downloads" = r."downloads" + EXCLUDED."downloads",
    "shares" = r."shares" + EXCLUDED."shares",
    "uses" = r."uses" + EXCLUDED."uses";

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
    DELETE FROM "creative_asset_day_totals"
    WHERE "userId" = asset."userId" AND "day" = rollup_day AND "count" = 0;
    DELETE FROM "creative_asset_month_rollups"
    WHERE "userId" = asset."userId" AND "month" = rollup_month AND "type" = asset."type"
      AND "sourceModule" = asset."sourceModule" AND "provider" = coalesce(asset."provider", '')
      AND "model" = coalesce(asset."model", '') AND "count" = 0;
    DELETE FROM "creative_asset_rollups"
    WHERE "userId" = asset."userId" AND "day" = rollup_day AND "type" = asset."type"
      AND "sourceModule" = asset."sourceModule" AND "provider" = coalesce(asset."provider", '')
      AND "model" = coalesce(asset."model", '') AND "count" = 0;
  END IF;
END
$$;

-- An update that keeps the asset in its group (a usage counter, a cost) changes its rows in place (the day total
-- only when the cost changed: a usage post does not touch it); one that moves it (another day, type, model …)
-- takes it out of the old rows and into the new.
CREATE OR REPLACE FUNCTION "creative_assets_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (OLD."userId", (OLD."createdAt" AT TIME ZONE 'UTC')::date, OLD."type", OLD."sourceModule",
          coalesce(OLD."provider", ''), coalesce(OLD."model", ''))
       = (NEW."userId", (NEW."createdAt" AT TIME ZONE 'UTC')::date, NEW."type", NEW."sourceModule",
          coalesce(NEW."provider", ''), coalesce(NEW."model", '')) THEN
    IF NEW."cost" IS DISTINCT FROM OLD."cost" THEN
      UPDATE "creative_asset_day_totals" SET "cost" = "cost" + coalesce(NEW."cost", 0) - coalesce(OLD."cost", 0)
      WHERE "userId" = NEW."userId" AND "day" = (NEW."createdAt" AT TIME ZONE 'UTC')::date;
    END IF;
    UPDATE "creative_asset_month_rollups" SET
      "cost" = "cost" + coalesce(NEW."cost", 0) - coalesce(OLD."cost", 0),
      "bytes" = "bytes" + coalesce(NEW."fileSize", 0) - coalesce(OLD."fileSize", 0),
      "views" = "views" + NEW."viewCount" - OLD."viewCount",
      "downloads" = "downloads" + NEW."downloadCount" - OLD."downloadCount",
      "shares" = "shares" + NEW."shareCount" - OLD."shareCount",
      "uses" = "uses" + NEW."useCount" - OLD."useCount"
    WHERE "userId" = NEW."userId" AND "month" = date_trunc('month', (NEW."createdAt" AT TIME ZONE 'UTC')::date)::date
      AND "type" = NEW."type" AND "sourceModule" = NEW."sourceModule" AND "provider" = coalesce(NEW."provider", '')
      AND "model" = coalesce(NEW."model", '');
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

-- Emptying the assets (an operator's TRUNCATE) empties what counts them.
CREATE OR REPLACE FUNCTION "creative_assets_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "creative_asset_rollups", "creative_asset_month_rollups", "creative_asset_day_totals";
  RETURN NULL;
END
$$;

-- Backfill, from the per-day rollups (exact by construction, and far fewer rows than the assets)
INSERT INTO "creative_asset_month_rollups"
  ("userId", "month", "type", "sourceModule", "provider", "model", "count", "cost", "bytes", "views", "downloads", "shares", "uses")
SELECT "userId", date_trunc('month', "day")::date, "type", "sourceModule", "provider", "model",
       sum("count"), sum("cost"), sum("bytes"), sum("views"), sum("downloads"), sum("shares"), sum("uses")
FROM "creative_asset_rollups"
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO "creative_asset_day_totals" ("userId", "day", "count", "cost")
SELECT "userId", "day", sum("count"), sum("cost")
FROM "creative_asset_rollups"
GROUP BY 1, 2;
