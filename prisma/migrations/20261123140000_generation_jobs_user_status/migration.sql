-- The per-user active-job cap (USER_MAX_ACTIVE_JOBS) counts a user's queued and processing jobs.

-- CreateIndex
CREATE INDEX "generation_jobs_userId_status_idx" ON "generation_jobs"("userId", "status");
