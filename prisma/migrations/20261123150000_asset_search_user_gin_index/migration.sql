-- GET /assets?search= always filters by user. With a GIN index on "searchVector" alone, a common term
-- returned the matching rows of every user and each was fetched from the heap before the userId filter
-- (17k heap rows for the 4k of the user that owns 250k of 1M assets in the benchmark, 50-300 ms), and a
-- term missing from the statistics made PostgreSQL walk all the user's rows by createdAt instead (1.3 s).
-- One GIN index over both columns intersects the user and the terms inside the index. btree_gin supplies
-- the GIN operator class for the text column; it is a trusted extension, so the database owner can
-- create it. The index also serves "searchVector" conditions alone, so it replaces the old one.

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- DropIndex
DROP INDEX "creative_assets_searchVector_idx";

-- CreateIndex
CREATE INDEX "creative_assets_userId_searchVector_idx" ON "creative_assets" USING GIN ("userId" text_ops, "searchVector");
