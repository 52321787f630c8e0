-- The job kinds of the audio, video and Image Studio generators, and the id of work that runs at the
-- provider (an OpenAI video, a Stability async result): stored before the first poll, so a replaced worker
-- resumes polling it instead of asking the provider to create it again.

-- AlterEnum
ALTER TYPE "JobType" ADD VALUE 'image_edit';
ALTER TYPE "JobType" ADD VALUE 'image_upscale';
ALTER TYPE "JobType" ADD VALUE 'audio_generation';
ALTER TYPE "JobType" ADD VALUE 'video_generation';

-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN "providerJobId" TEXT;
