-- When an attempt sent the provider its create call (an OpenAI video). Set before the call and cleared when the
-- provider refused it: a job found with this set and no providerJobId may have been created at the provider by a
-- worker that stopped before recording the id, so it is never created a second time.

-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN "providerRequestedAt" TIMESTAMPTZ(3);
