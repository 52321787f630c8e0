-- Webhooks with a transactional outbox.
-- webhook_endpoints: a user's registered URLs and the events each wants.
-- webhook_deliveries: the outbox, one row per event and endpoint. The triggers below write it in the same
-- transaction as the change an event announces, so a committed change always has its deliveries and a
-- rolled-back one never does; the relay then puts the rows on the Bull delivery queue.
-- webhook_delivery_attempts: every POST of a delivery and its outcome.

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[],
    "secret" TEXT NOT NULL,
    "previousSecret" TEXT,
    "previousSecretExpiresAt" TIMESTAMPTZ(3),
    "disabledAt" TIMESTAMPTZ(3),
    "disabledReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "endpointId" UUID NOT NULL,
    "eventType" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "queuedAt" TIMESTAMPTZ(3),
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_delivery_attempts" (
    "id" UUID NOT NULL,
    "deliveryId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "statusCode" INTEGER,
    "error" TEXT,

    CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_endpoints_userId_createdAt_id_idx" ON "webhook_endpoints"("userId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_endpointId_createdAt_id_idx" ON "webhook_deliveries"("endpointId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_queuedAt_createdAt_idx" ON "webhook_deliveries"("queuedAt", "createdAt");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_nextAttemptAt_idx" ON "webhook_deliveries"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_attempts_deliveryId_attempt_key" ON "webhook_delivery_attempts"("deliveryId", "attempt");

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The body every delivery POSTs: { type, timestamp, data }, the timestamp as JavaScript's toISOString writes it.
CREATE FUNCTION "webhook_event_body"(event_type TEXT, data JSONB) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'type', event_type,
    'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'data', data
  )
$$;

-- asset.created / asset.deleted, per statement (a bulk insert costs one join, not one lookup per row): one
-- delivery per asset and enabled endpoint of its owner that wants the event.
CREATE FUNCTION "creative_assets_webhook_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "webhook_deliveries" ("id", "endpointId", "eventType", "payload")
    SELECT gen_random_uuid(), e."id", 'asset.created', "webhook_event_body"('asset.created', jsonb_build_object(
      'assetId', a."id",
      'userId', a."userId",
      'type', a."type",
      'sourceModule', a."sourceModule",
      'generationId', a."generationId"))
    FROM "changed_assets" a
    JOIN "webhook_endpoints" e
      ON e."userId" = a."userId" AND e."disabledAt" IS NULL AND 'asset.created' = ANY (e."events");
  ELSE
    INSERT INTO "webhook_deliveries" ("id", "endpointId", "eventType", "payload")
    SELECT gen_random_uuid(), e."id", 'asset.deleted', "webhook_event_body"('asset.deleted', jsonb_build_object(
      'assetId', a."id",
      'userId', a."userId"))
    FROM "changed_assets" a
    JOIN "webhook_endpoints" e
      ON e."userId" = a."userId" AND e."disabledAt" IS NULL AND 'asset.deleted' = ANY (e."events");
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "creative_assets_webhook_created"
  AFTER INSERT ON "creative_assets"
  REFERENCING NEW TABLE AS "changed_assets"
  FOR EACH STATEMENT EXECUTE FUNCTION "creative_assets_webhook_events"();

CREATE TRIGGER "creative_assets_webhook_deleted"
  AFTER DELETE ON "creative_assets"
  REFERENCING OLD TABLE AS "changed_assets"
  FOR EACH STATEMENT EXECUTE FUNCTION "creative_assets_webhook_events"();

-- job.completed / job.failed when a job reaches that status. Deferred to the commit: a completing job's
-- assets are inserted after its status changes, in the same transaction, and the event lists them.
CREATE FUNCTION "generation_jobs_webhook_events"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_type TEXT := 'job.' || NEW."status"::TEXT;
  data JSONB;
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "webhook_endpoints" e
    WHERE e."userId" = NEW."userId" AND e."disabledAt" IS NULL AND event_type = ANY (e."events")
  ) THEN
    RETURN NULL;
  END IF;
  IF NEW."status" = 'completed' THEN
    data := jsonb_build_object(
      'jobId', NEW."id",
      'userId', NEW."userId",
      'type', NEW."type",
      'provider', NEW."provider",
      'model', NEW."model",
      'cost', NEW."cost"::DOUBLE PRECISION,
      'actualTimeMs', NEW."actualTime",
      'assetIds', COALESCE(
        (SELECT jsonb_agg(a."id" ORDER BY a."createdAt", a."id") FROM "creative_assets" a WHERE a."generationId" = NEW."id"),
        '[]'::JSONB));
  ELSE
    data := jsonb_build_object(
      'jobId', NEW."id",
      'userId', NEW."userId",
      'type', NEW."type",
      'errorMessage', NEW."errorMessage");
  END IF;
  INSERT INTO "webhook_deliveries" ("id", "endpointId", "eventType", "payload")
  SELECT gen_random_uuid(), e."id", event_type, "webhook_event_body"(event_type, data)
  FROM "webhook_endpoints" e
  WHERE e."userId" = NEW."userId" AND e."disabledAt" IS NULL AND event_type = ANY (e."events");
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "generation_jobs_webhook_events"
  AFTER UPDATE OF "status" ON "generation_jobs"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (NEW."status" IN ('completed', 'failed') AND OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "generation_jobs_webhook_events"();
