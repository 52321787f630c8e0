-- A search of a user's library is answered in createdAt order, and for a common term the GIN hands PostgreSQL
-- thousands of matching rows to fetch and sort for a page of 21 (4,256 heap rows, 15-17 ms, for "coffee cup" and
-- the user who owns 250k of 1M assets in the benchmark). This index holds each row's searchVector beside its
-- place in that order, so the service can first walk the user's newest rows in an index-only scan and test the
-- terms on them: a page of a term that one row in a hundred matches costs a few hundred index tuples.
-- The key's id is DESC now, like the ORDER BY "createdAt" DESC, id DESC of every list page, so a page in either
-- order is a plain forward or backward scan, without the incremental sort the old (id ASC) key needed.
-- The price: the index is about five times the size of the old one (the tsvector of each row), and an update
-- that changes a row's searchVector writes it here as well as to the GIN.

-- DropIndex
DROP INDEX "creative_assets_userId_createdAt_id_idx";

-- CreateIndex
CREATE INDEX "creative_assets_userId_createdAt_id_idx" ON "creative_assets" ("userId", "createdAt" DESC, "id" DESC)
  INCLUDE ("searchVector");
