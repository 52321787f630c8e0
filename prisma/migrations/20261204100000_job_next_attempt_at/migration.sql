-- When a job that went back to the queue after a retryable failure is tried next (the queue's backoff, or a
-- provider's Retry-After when longer); null while it runs, once it ended, and for a job never failed.

-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN "nextAttemptAt" TIMESTAMPTZ(3);
