-- GET /assets/stats answers a question it answered before from memory (AssetStatsService): each process keeps
-- the answers it computed with the revision of the user's stats they were read at, and serves one while that is
-- still the user's revision. The rollup trigger gives the user a new revision in the transaction of every change
-- it counts, so no process serves an answer once a change to it has committed, whichever process or client made
-- the change.
--
-- Revisions come from one sequence and never repeat: a user's revision cannot return to a value an answer was
-- remembered with. The sequence belongs to no column, so TRUNCATE … RESTART IDENTITY leaves it alone.

-- Writers wait until the trigger function is replaced and the backfill has read the rollups, so no user with
-- assets is left without a revision.
LOCK TABLE "creative_assets" IN SHARE MODE;

CREATE SEQUENCE "creative_asset_stats_revision_seq";

-- CreateTable
CREATE TABLE "creative_asset_stats_revisions" (
    "userId" TEXT NOT NULL,
    "revision" BIGINT NOT NULL,

    CONSTRAINT "creative_asset_stats_revisions_pkey" PRIMARY KEY ("userId")
);

CREATE OR REPLACE FUNCTION "creative_asset_stats_revise"(user_id TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "creative_asset_stats_revisions" AS s ("userId", "revision")
  VALUES (user_id, nextval('creative_asset_stats_revision_seq'))
  ON CONFLICT ("userId") DO UPDATE SET "revision" = EXCLUDED."revision";
END
$$;

-- As in 20261205100000, with the user's revision taken first: its row lock orders every transaction that changes
-- one user's counted assets before any of their rollup rows, so two of them can no longer deadlock on those rows.
CREATE OR REPLACE FUNCTION "creative_assets_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM "creative_asset_stats_revise"(OLD."userId"); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."userId" IS DISTINCT FROM OLD."userId") THEN
    PERFORM "creative_asset_stats_revise"(NEW."userId");
  END IF;
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

-- Emptying the assets empties what counts them, which changes every user's stats: each gets a new revision.
CREATE OR REPLACE FUNCTION "creative_assets_rollup_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "creative_asset_rollups", "creative_asset_month_rollups", "creative_asset_day_totals";
  UPDATE "creative_asset_stats_revisions" SET "revision" = nextval('creative_asset_stats_revision_seq');
  RETURN NULL;
END
$$;

-- Backfill: a revision for every user with assets (one without a row has never had any since this migration)
INSERT INTO "creative_asset_stats_revisions" ("userId", "revision")
SELECT "userId", nextval('creative_asset_stats_revision_seq')
FROM (SELECT DISTINCT "userId" FROM "creative_asset_day_totals") AS users;
