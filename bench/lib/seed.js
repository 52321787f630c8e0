'use strict';

const { Client } = require('pg');
const { runMigrations } = require('../../dist/prisma/migrate');
const words = require('./vocabulary');

/** The one user who owns a large share of the library: every route is measured as this user (the worst case). */
const HEAVY_USER = 'bench-heavy-user';
const HEAVY_USER_SHARE = 0.25;
/**
 * Rows per INSERT … SELECT statement, one statement at a time: each takes the stats revision row of every user it
 * adds to (the rollup trigger), the heavy user's among them, so a second loader would only wait for the first
 * (and deadlocked on the other users' rows when it ran).
 */
const CHUNK_ROWS = 50_000;
/** Indexes rebuilt at once after the load. */
const INDEX_BUILDERS = 2;
/** Marks a finished seed (written last), so an interrupted seed is redone on the next run. */
const SEED_MARK = (assets) => `bench-seed:${assets}`;

function adminUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

function databaseName(databaseUrl) {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

async function withClient(connectionString, work) {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `$n` as a random element of the text[] parameter $n. */
const pick = (param) => `($${param}::text[])[1 + floor(random() * cardinality($${param}::text[]))::int]`;
/** First letter upper-cased (initcap would capitalise every word). */
const capitalize = (column) => `(upper(left(${column}, 1)) || substr(${column}, 2))`;

/**
 * One chunk of assets built entirely inside PostgreSQL (no rows cross the wire). Users: HEAVY_USER owns
 * HEAVY_USER_SHARE; the rest spread over `users` ids with a power-law skew (a few busy users, a long tail).
 * searchVector is filled by the production trigger, so search runs on exactly what the service would store.
 */
const INSERT_CHUNK_SQL = `
INSERT INTO "creative_assets" (
  "id", "userId", "type", "category", "title", "description", "prompt", "model", "url", "thumbnailUrl",
  "fileSize", "duration", "width", "height", "format", "status", "isPublic", "isFavorite", "tags", "provider",
  "cost", "sourceModule", "mimeType", "storageKey", "thumbnailKey", "content", "generationTimeMs",
  "viewCount", "downloadCount", "shareCount", "useCount", "createdAt", "updatedAt")
SELECT
  r.id, r."userId", r.type::"AssetType",
  CASE WHEN r.roll < 0.2 THEN NULL ELSE (ARRAY['marketing','social','product','editorial','personal'])[1 + (r.g % 5)] END,
  CASE r.type
    WHEN 'image' THEN ${capitalize('r.subject')} || ' ' || r.setting || ', ' || r.style
    WHEN 'text' THEN r.kind || ': ' || r.subject
    WHEN 'video' THEN ${capitalize('r.subject')} || ' ' || r.setting || ' (clip)'
    ELSE 'Soundtrack for ' || r.subject || ' ' || r.setting
  END,
  CASE WHEN r.roll < 0.5 THEN NULL ELSE 'Made for the ' || r.tags[1] || ' campaign: ' || r.subject || ', ' || r.detail1 END,
  'A ' || r.subject || ' ' || r.setting || ', ' || r.style || ', ' || r.detail1 || ', ' || r.detail2,
  CASE r.type WHEN 'image' THEN (ARRAY['gpt-image-2','gpt-image-2','gpt-image-1','core','core','placeholder'])[1 + (r.g % 6)]
              WHEN 'text' THEN 'gpt-4.1-mini' END,
  '/api/creative/asset/' || r.id || '/file',
  CASE WHEN r.type = 'image' THEN '/api/creative/asset/' || r.id || '/thumbnail' END,
  100000 + floor(random() * 2000000)::int,
  CASE WHEN r.type IN ('video', 'audio') THEN round((5 + random() * 120)::numeric, 1)::float8 END,
  CASE WHEN r.type IN ('image', 'video') THEN 1024 END,
  CASE WHEN r.type IN ('image', 'video') THEN 1024 END,
  CASE r.type WHEN 'image' THEN 'png' WHEN 'video' THEN 'mp4' WHEN 'audio' THEN 'mp3' END,
  (CASE WHEN r.roll > 0.98 THEN 'failed' ELSE 'ready' END)::"AssetStatus",
  random() < 0.05,
  random() < 0.1,
  r.tags,
  CASE r.type WHEN 'image' THEN (ARRAY['openai','openai','openai','stability','stability','placeholder'])[1 + (r.g % 6)]
              WHEN 'text' THEN 'openai' END,
  CASE WHEN r.type IN ('image', 'text') THEN round((random() * 0.2)::numeric, 6) END,
  CASE r.type WHEN 'image' THEN 'image_generation' WHEN 'text' THEN 'content_creation' WHEN 'video' THEN 'video_studio' ELSE 'audio_lab' END,
  CASE r.type WHEN 'image' THEN 'image/png' WHEN 'video' THEN 'video/mp4' WHEN 'audio' THEN 'audio/mpeg' ELSE 'text/plain' END,
  CASE WHEN r.type <> 'text' THEN 'bench/' || r.id END,
  CASE WHEN r.type = 'image' THEN 'bench/' || r.id || '.thumb' END,
  CASE WHEN r.type = 'text' THEN
    r.kind || ' for the ' || r.subject || '. ' || ${pick(11)} || ', ' || lower(${pick(11)}) || '. Picture it ' || r.setting ||
    ': ' || r.detail1 || ', ' || r.detail2 || '. ' || ${pick(11)} || '.'
  END,
  CASE WHEN r.type <> 'text' THEN 2000 + floor(random() * 20000)::int END,
  floor(power(random(), 4) * 500)::int, floor(power(random(), 5) * 100)::int, floor(power(random(), 6) * 50)::int,
  floor(power(random(), 5) * 80)::int,
  r.created, r.created + random() * (now() - r.created)
FROM (
  SELECT b.*,
         CASE WHEN b.type_roll < 0.70 THEN 'image' WHEN b.type_roll < 0.85 THEN 'text' WHEN b.type_roll < 0.95 THEN 'video' ELSE 'audio' END AS type
  FROM (
    SELECT g, gen_random_uuid() AS id,
           CASE WHEN random() < $3 THEN '${HEAVY_USER}' ELSE 'bench-user-' || (1 + floor(power(random(), 3) * $4))::int END AS "userId",
           random() AS type_roll, random() AS roll,
           ${pick(5)} AS subject, ${pick(6)} AS setting, ${pick(7)} AS style, ${pick(8)} AS detail1, ${pick(8)} AS detail2,
           ${pick(10)} AS kind,
           ARRAY(SELECT DISTINCT ($9::text[])[1 + floor(power(random(), 2) * cardinality($9::text[]))::int]
                 FROM generate_series(1, 2 + g % 4)) AS tags,
           -- Within the 24 whole UTC months before this one.
           (SELECT date_trunc('milliseconds', m.start + random() * (m.start + interval '1 month' - m.start))
              FROM (SELECT (date_trunc('month', now() AT TIME ZONE 'UTC')
                            - make_interval(months => 1 + floor(random() * 24)::int))
                           AT TIME ZONE 'UTC' AS start
                     WHERE g IS NOT NULL) m) AS created
    FROM generate_series($1::int, $2::int) g
  ) b
) r`;

async function insertChunks(databaseUrl, assets, users, log) {
  const chunks = [];
  for (let from = 1; from <= assets; from += CHUNK_ROWS) chunks.push([from, Math.min(assets, from + CHUNK_ROWS - 1)]);
  let done = 0;
  await withClient(databaseUrl, async (client) => {
    await client.query('SET synchronous_commit = off');
    for (const chunk of chunks) {
      await client.query(INSERT_CHUNK_SQL, [
        chunk[0],
        chunk[1],
        HEAVY_USER_SHARE,
        users,
        words.SUBJECTS,
        words.SETTINGS,
        words.STYLES,
        words.DETAILS,
        words.TAGS,
        words.TEXT_KINDS,
        words.TEXT_PHRASES,
      ]);
      done += chunk[1] - chunk[0] + 1;
      log(`  inserted ${done}/${assets}`);
    }
  });
}

/**
 * A bench database holding `assets` assets: reused when a previous run finished seeding the same size,
 * else dropped, migrated with the project's runner and loaded. Secondary indexes are dropped for the bulk
 * load and rebuilt after (much faster than maintaining them row by row), then the tables are vacuumed and analyzed.
 */
async function ensureSeeded({ databaseUrl, assets, reseed, log }) {
  await runMigrations({ databaseUrl, log: () => undefined });
  const mark = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query(`SELECT obj_description('"creative_assets"'::regclass, 'pg_class') AS mark`);
    return rows[0].mark;
  });
  if (!reseed && mark === SEED_MARK(assets)) {
    log(`Reusing the seeded bench database (${assets} assets)`);
    return;
  }
  const started = Date.now();
  const name = databaseName(databaseUrl);
  await withClient(adminUrl(databaseUrl), (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  await runMigrations({ databaseUrl, log: () => undefined });

  const indexes = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       JOIN pg_class c ON c.relname = i.indexname
       JOIN pg_index x ON x.indexrelid = c.oid
       WHERE i.tablename = 'creative_assets' AND NOT x.indisprimary`,
    );
    for (const { indexname } of rows) await client.query(`DROP INDEX "${indexname}"`);
    return rows;
  });

  const users = Math.max(100, Math.round(assets / 20));
  log(`Seeding ${assets} assets over ${users + 1} users (${HEAVY_USER} owns ~${HEAVY_USER_SHARE * 100}%)…`);
  await insertChunks(databaseUrl, assets, users, log);
  const loadedAt = Date.now();

  log(`  rebuilding ${indexes.length} indexes…`);
  const pending = [...indexes];
  await Promise.all(
    Array.from({ length: INDEX_BUILDERS }, () =>
      withClient(databaseUrl, async (client) => {
        await client.query(`SET maintenance_work_mem = '512MB'`);
        for (let index = pending.shift(); index; index = pending.shift()) await client.query(index.indexdef);
      }),
    ),
  );
  await withClient(databaseUrl, async (client) => {
    await client.query('VACUUM (ANALYZE) "creative_assets"');
    // The load's upserts left a dead version of most rollup rows behind; production's autovacuum clears them.
    for (const table of [
      'creative_asset_rollups',
      'creative_asset_month_rollups',
      'creative_asset_day_totals',
      'creative_asset_stats_revisions',
    ])
      await client.query(`VACUUM (ANALYZE) "${table}"`);
    await client.query(`COMMENT ON TABLE "creative_assets" IS '${SEED_MARK(assets)}'`);
  });
  log(
    `Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s (rows ${((loadedAt - started) / 1000).toFixed(1)} s, indexes + analyze ${((Date.now() - loadedAt) / 1000).toFixed(1)} s)`,
  );
}

module.exports = { ensureSeeded, withClient, HEAVY_USER };
