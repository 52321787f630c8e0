-- Keyset pagination for the other sort orders of GET /assets (updatedAt, cost, title).

-- CreateIndex
CREATE INDEX "creative_assets_userId_updatedAt_id_idx" ON "creative_assets"("userId", "updatedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "creative_assets_userId_cost_id_idx" ON "creative_assets"("userId", "cost", "id");

-- CreateIndex
CREATE INDEX "creative_assets_userId_title_id_idx" ON "creative_assets"("userId", "title", "id");
