'use strict';

const { encodeCursor } = require('../../dist/common/pagination');
const { Client } = require('pg');
const { runLoad } = require('./load');
const { HEAVY_USER, withClient } = require('./seed');
const { TAGS } = require('./vocabulary');

/** Searches in web-search syntax: single words, two-word AND, a phrase, an exclusion. */
const SEARCHES = [
  'lighthouse watercolor',
  'fox',
  '"city skyline"',
  'neon -night',
  'coffee cup',
  'dragon fantasy',
  'sunset harbor',
  'robot',
];
const ROTATING_IDS = 1000;
/** A busy library: a view, a download or a new asset every 100 ms. */
const COUNTED_CHANGES_PER_SECOND = 10;
/** How far into the filtered listing the deep-cursor page starts. */
const DEEP_PAGE_OFFSET = 2000;
const MOST_COMMON_TAG = TAGS[0];

/** Requests of the heavy user: ids to rotate over and a cursor deep into a type+tag filtered listing. */
async function loadFixtures(databaseUrl) {
  return withClient(databaseUrl, async (client) => {
    const { rows: idRows } = await client.query(
      `SELECT id FROM "creative_assets" WHERE "userId" = $1 ORDER BY md5(id::text) LIMIT ${ROTATING_IDS}`,
      [HEAVY_USER],
    );
    const { rows: filtered } = await client.query(
      `SELECT count(*)::int AS count FROM "creative_assets" WHERE "userId" = $1 AND "type" = 'image' AND "tags" @> $2::text[]`,
      [HEAVY_USER, [MOST_COMMON_TAG]],
    );
    const offset = Math.min(DEEP_PAGE_OFFSET, Math.floor(filtered[0].count / 2));
    const {
      rows: [deepRow],
    } = await client.query(
      `SELECT id, "createdAt" FROM "creative_assets" WHERE "userId" = $1 AND "type" = 'image' AND "tags" @> $2::text[]
       ORDER BY "createdAt" DESC, id DESC OFFSET $3 LIMIT 1`,
      [HEAVY_USER, [MOST_COMMON_TAG], offset],
    );
    return {
      assetIds: idRows.map((row) => row.id),
      deepOffset: offset,
      deepCursor: encodeCursor(['createdAt', 'desc', deepRow.createdAt.toISOString(), deepRow.id]),
    };
  });
}

function rotating(values) {
  let next = 0;
  return () => values[next++ % values.length];
}

/** The benchmarked routes: name, method and a path generator (fresh per run, so both servers see the same sequence). */
function routeScenarios(fixtures) {
  const deepQuery = new URLSearchParams({
    type: 'image',
    tags: MOST_COMMON_TAG,
    cursor: fixtures.deepCursor,
  }).toString();
  const searchPaths = SEARCHES.map((search) => `/api/creative/assets?${new URLSearchParams({ search })}`);
  const assetPaths = fixtures.assetIds.map((id) => `/api/creative/asset/${id}`);
  return [
    { name: 'GET /assets (first page)', kind: 'list', method: 'GET', paths: () => rotating(['/api/creative/assets']) },
    {
      name: `GET /assets type+tag, cursor at row ${fixtures.deepOffset}`,
      kind: 'list',
      method: 'GET',
      paths: () => rotating([`/api/creative/assets?${deepQuery}`]),
    },
    { name: 'GET /assets?search=…', kind: 'search', method: 'GET', paths: () => rotating(searchPaths) },
    { name: 'GET /asset/:id', kind: 'get', method: 'GET', paths: () => rotating(assetPaths) },
    {
      name: 'POST /asset/:id/favorite',
      kind: 'write',
      method: 'POST',
      paths: () => rotating(assetPaths.map((path) => `${path}/favorite`)),
    },
    { name: 'GET /assets/stats', kind: 'stats', method: 'GET', paths: () => rotating(['/api/creative/assets/stats']) },
    {
      name: `GET /assets/stats, ${COUNTED_CHANGES_PER_SECOND} counted changes/s`,
      kind: 'stats',
      method: 'GET',
      paths: () => rotating(['/api/creative/assets/stats']),
      countedChangesPerSecond: COUNTED_CHANGES_PER_SECOND,
    },
  ];
}

/**
 * A library in use while its stats are read: a view counted on one of the heavy user's assets `perSecond` times a
 * second, straight in PostgreSQL (the rollup trigger counts it and renews the user's stats revision, as for a
 * usage post through either server). Returns the function that stops it and says how many it made.
 */
async function startCountedChanges(databaseUrl, assetIds, perSecond) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const nextId = rotating(assetIds);
  let changes = 0;
  let failure;
  const timer = setInterval(() => {
    client
      .query('UPDATE "creative_assets" SET "viewCount" = "viewCount" + 1 WHERE id = $1', [nextId()])
      .then(() => changes++)
      .catch((error) => (failure = error));
  }, 1000 / perSecond);
  return async () => {
    clearInterval(timer);
    await client.end();
    if (failure) throw failure;
    return changes;
  };
}

/** Loads one route scenario of one server as the heavy user (bench/lib/load.js). */
function loadScenario(server, scenario, { connections, durationSeconds }) {
  return runLoad({
    baseUrl: server.baseUrl,
    method: scenario.method,
    nextPath: scenario.paths(),
    headers: { 'x-user-id': HEAVY_USER },
    connections,
    durationSeconds,
  });
}

module.exports = {
  loadFixtures,
  loadScenario,
  routeScenarios,
  startCountedChanges,
  HEAVY_USER,
  SEARCHES,
  MOST_COMMON_TAG,
};
