-- CreateEnum
CREATE TYPE "AssetType" AS ENUM ('image', 'video', 'audio', 'text');

-- CreateEnum
CREATE TYPE "AssetStatus" AS ENUM ('pending', 'processing', 'ready', 'failed');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('queued', 'processing', 'completed', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "JobType" AS ENUM ('image_generation', 'image_regeneration', 'text_generation');

-- CreateEnum
CREATE TYPE "TemplateType" AS ENUM ('image', 'text', 'video', 'audio');

-- CreateTable
CREATE TABLE "creative_assets" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "AssetType" NOT NULL,
    "category" TEXT,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "prompt" TEXT,
    "negativePrompt" TEXT,
    "model" TEXT,
    "generationId" UUID,
    "url" TEXT NOT NULL,
    "thumbnailUrl" TEXT,
    "fileSize" INTEGER,
    "duration" DOUBLE PRECISION,
    "width" INTEGER,
    "height" INTEGER,
    "format" TEXT,
    "parameters" JSONB,
    "seed" BIGINT,
    "steps" INTEGER,
    "guidance" DOUBLE PRECISION,
    "sampler" TEXT,
    "status" "AssetStatus" NOT NULL DEFAULT 'ready',
    "isPublic" BOOLEAN NOT NULL DEFAULT false,
    "isFavorite" BOOLEAN NOT NULL DEFAULT false,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "provider" TEXT,
    "cost" DECIMAL(12,6),
    "sourceModule" TEXT NOT NULL,
    "mimeType" TEXT,
    "storageKey" TEXT,
    "thumbnailKey" TEXT,
    "content" TEXT,
    "metadata" JSONB,
    "generationTimeMs" INTEGER,
    "parentAssetId" UUID,
    "viewCount" INTEGER NOT NULL DEFAULT 0,
    "downloadCount" INTEGER NOT NULL DEFAULT 0,
    "shareCount" INTEGER NOT NULL DEFAULT 0,
    "useCount" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "searchVector" tsvector,

    CONSTRAINT "creative_assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "creative_templates" (
    "id" UUID NOT NULL,
    "userId" TEXT,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "type" "TemplateType" NOT NULL,
    "category" TEXT,
    "prompt" TEXT NOT NULL,
    "negativePrompt" TEXT,
    "model" TEXT,
    "parameters" JSONB,
    "variables" JSONB NOT NULL DEFAULT '[]',
    "thumbnailUrl" TEXT,
    "isPublic" BOOLEAN NOT NULL DEFAULT false,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "creative_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "generation_jobs" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "JobType" NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "prompt" TEXT NOT NULL,
    "negativePrompt" TEXT,
    "model" TEXT,
    "parameters" JSONB,
    "templateId" UUID,
    "progress" INTEGER NOT NULL DEFAULT 0,
    "currentStep" INTEGER,
    "totalSteps" INTEGER,
    "resultUrl" TEXT,
    "thumbnailUrl" TEXT,
    "errorMessage" TEXT,
    "provider" TEXT,
    "cost" DECIMAL(12,6),
    "estimatedTime" INTEGER,
    "actualTime" INTEGER,
    "parentAssetId" UUID,
    "idempotencyKey" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "generation_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_collections" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "isPublic" BOOLEAN NOT NULL DEFAULT false,
    "coverAssetId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "asset_collections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_collection_items" (
    "collectionId" UUID NOT NULL,
    "assetId" UUID NOT NULL,
    "addedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_collection_items_pkey" PRIMARY KEY ("collectionId","assetId")
);

-- CreateTable
CREATE TABLE "pending_file_deletions" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pending_file_deletions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "creative_assets_userId_createdAt_id_idx" ON "creative_assets"("userId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "creative_assets_userId_type_createdAt_idx" ON "creative_assets"("userId", "type", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "creative_assets_userId_isFavorite_idx" ON "creative_assets"("userId", "isFavorite");

-- CreateIndex
CREATE INDEX "creative_assets_tags_idx" ON "creative_assets" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "creative_assets_searchVector_idx" ON "creative_assets" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "creative_assets_generationId_idx" ON "creative_assets"("generationId");

-- CreateIndex
CREATE INDEX "creative_assets_parentAssetId_idx" ON "creative_assets"("parentAssetId");

-- CreateIndex
CREATE INDEX "creative_templates_userId_createdAt_idx" ON "creative_templates"("userId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "creative_templates_isPublic_createdAt_idx" ON "creative_templates"("isPublic", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "creative_templates_isDefault_idx" ON "creative_templates"("isDefault");

-- CreateIndex
CREATE INDEX "creative_templates_tags_idx" ON "creative_templates" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "generation_jobs_userId_createdAt_id_idx" ON "generation_jobs"("userId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "generation_jobs_status_createdAt_idx" ON "generation_jobs"("status", "createdAt");

-- CreateIndex
CREATE INDEX "generation_jobs_model_status_completedAt_idx" ON "generation_jobs"("model", "status", "completedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "generation_jobs_userId_idempotencyKey_key" ON "generation_jobs"("userId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "asset_collections_userId_createdAt_id_idx" ON "asset_collections"("userId", "createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "asset_collection_items_assetId_idx" ON "asset_collection_items"("assetId");

-- CreateIndex
CREATE UNIQUE INDEX "pending_file_deletions_key_key" ON "pending_file_deletions"("key");

-- AddForeignKey
ALTER TABLE "creative_assets" ADD CONSTRAINT "creative_assets_generationId_fkey" FOREIGN KEY ("generationId") REFERENCES "generation_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creative_assets" ADD CONSTRAINT "creative_assets_parentAssetId_fkey" FOREIGN KEY ("parentAssetId") REFERENCES "creative_assets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "generation_jobs" ADD CONSTRAINT "generation_jobs_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "creative_templates"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_collections" ADD CONSTRAINT "asset_collections_coverAssetId_fkey" FOREIGN KEY ("coverAssetId") REFERENCES "creative_assets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_collection_items" ADD CONSTRAINT "asset_collection_items_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "asset_collections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_collection_items" ADD CONSTRAINT "asset_collection_items_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "creative_assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Full-text search document for assets (Prisma cannot express it): title and tags weigh most,
-- then description and prompt, then the first 100k characters of a text asset's body.
CREATE FUNCTION "creative_assets_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchVector" :=
    setweight(to_tsvector('english', coalesce(NEW."title", '')), 'A') ||
    setweight(to_tsvector('english', array_to_string(coalesce(NEW."tags", ARRAY[]::TEXT[]), ' ')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW."description", '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW."prompt", '')), 'B') ||
    setweight(to_tsvector('english', left(coalesce(NEW."content", ''), 100000)), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER "creative_assets_search_vector_update"
  BEFORE INSERT OR UPDATE OF "title", "tags", "description", "prompt", "content" ON "creative_assets"
  FOR EACH ROW EXECUTE FUNCTION "creative_assets_search_vector"();
