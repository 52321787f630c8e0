-- sha256 of the canonical request that came with an Idempotency-Key, so the same key with a different
-- request answers 422 IDEMPOTENCY_KEY_REUSED. Null for jobs without a key (and for keyed jobs created
-- before this column, which keep answering with their job).

-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN "idempotencyFingerprint" TEXT;
