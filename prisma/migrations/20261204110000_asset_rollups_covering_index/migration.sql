-- GET /assets/stats reads every rollup row of the user in its range. Those rows are written day by day among
-- every other user's, so a user with years of history has them on thousands of heap pages (5,110 rows on 2,948
-- pages for the bench's heavy user at 1M assets). This index holds them side by side in (userId, day) order with
-- every column the stats read, so the read is an index-only scan of a few dozen pages. The price: an update of a
-- rollup row (a usage post, a cost change) is no longer a HOT update and writes an entry here too.
CREATE INDEX "creative_asset_rollups_userId_day_idx" ON "creative_asset_rollups" ("userId", "day")
  INCLUDE ("type", "sourceModule", "provider", "model", "count", "cost", "views", "downloads", "shares", "uses");
