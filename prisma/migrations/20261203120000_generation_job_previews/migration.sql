-- Live previews of streaming image jobs: each partial image a provider streams is stored under a server key and
-- announced on the job's event stream by a short-lived signed link; the rows and their files are deleted when the
-- job ends (a later attempt of the same job deletes those an interrupted one left).

-- CreateTable
CREATE TABLE "generation_job_previews" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "storageKey" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "generation_job_previews_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "generation_job_previews_jobId_index_key" ON "generation_job_previews"("jobId", "index");

-- AddForeignKey
ALTER TABLE "generation_job_previews" ADD CONSTRAINT "generation_job_previews_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "generation_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
