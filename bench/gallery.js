'use strict';
/* global document, sessionStorage -- the callbacks of addInitScript and waitForFunction run in the browser */
// The gallery's budgets (bench/RESULTS.md), measured, not timed tests:
//   1. the JavaScript the first page loads (index.html's entry and the chunks it imports), gzipped: < 250 kB;
//   2. the first gallery page of 50 thumbnails rendered in Chromium, on the bench library (lib/seed.js), < 1 s.
//
//   npm run bench:web                 # 100k assets (seeded as npm run bench does, reused when present)
//   npm run bench:web -- --assets 20000
//
// Needs the build (`npm run bench:web` builds first), PostgreSQL, Redis and /usr/bin/chromium (CHROMIUM_PATH).
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { gzipSync } = require('node:zlib');
const { chromium } = require('playwright-core');
const sharp = require('sharp');
const { ensureSeeded, HEAVY_USER, withClient } = require('./lib/seed');
const { startServer, ROOT } = require('./lib/processes');

const WEB = path.join(ROOT, 'dist', 'web');
const RUNS = 5;
/** Thumbnails written as real files: the first page (50) and some more. */
const THUMBNAILS_STORED = 100;
const FIRST_PAGE_VIEWPORT_HEIGHT = 4000;
/** The thumbnails of the first page's 50 cards (infinite scroll may have added more cards below). */
const FIRST_PAGE_IMAGES = 'ul[aria-label="Assets"] > li:nth-child(-n+50) img';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

/** The entry script of index.html and every chunk it imports statically (lazy pages such as Spend excluded). */
function firstLoadScripts() {
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const files = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]));
  for (const file of [...files]) {
    const code = readFileSync(path.join(WEB, file), 'utf8');
    for (const match of code.matchAll(/^import[^'"]*["']\.\/([^'"]+\.js)["']/gm)) files.add(`assets/${match[1]}`);
  }
  return [...files].map((file) => {
    const bytes = readFileSync(path.join(WEB, file));
    return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

async function firstPageTimes(baseUrl) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const times = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      // Tall enough to hold the whole first page: the grid's images load lazily, as they come into view.
      const context = await browser.newContext({ viewport: { width: 1280, height: FIRST_PAGE_VIEWPORT_HEIGHT } });
      // AUTH_MODE=header: the heavy user, as npm run bench measures the routes; a session token is still needed to show the page.
      await context.setExtraHTTPHeaders({ 'X-User-Id': HEAVY_USER });
      await context.addInitScript(() => sessionStorage.setItem('creative-engine.token', 'bench'));
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${baseUrl}/`);
      await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Assets"] a').length >= 50, null, {
        timeout: 30_000,
        polling: 10,
      });
      const cards = Date.now() - started;
      // Every thumbnail of the first page loaded (real files: see storeFirstPageThumbnails).
      await page.waitForFunction(
        (selector) => [...document.querySelectorAll(selector)].every((image) => image.complete),
        FIRST_PAGE_IMAGES,
        { timeout: 30_000, polling: 10 },
      );
      const thumbnails = Date.now() - started;
      const decoded = await page.evaluate(
        (selector) => [...document.querySelectorAll(selector)].filter((image) => image.naturalWidth > 0).length,
        FIRST_PAGE_IMAGES,
      );
      const requested = await page.evaluate(
        (selector) => document.querySelectorAll(selector).length,
        FIRST_PAGE_IMAGES,
      );
      times.push({ cards, thumbnails, images: requested, decoded });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

/**
 * The seeded rows have no files. The thumbnails of the heavy user's newest assets (more than the first page)
 * are written as real 320 px WebP files where the local store reads them, under keys of the engine's form, so
 * the first page measures images served and decoded, not 50 fast 404s.
 */
async function storeFirstPageThumbnails(databaseUrl, storageDir) {
  await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query(
      `SELECT id FROM "creative_assets" WHERE "userId" = $1 AND "thumbnailUrl" IS NOT NULL
       ORDER BY "createdAt" DESC, id DESC LIMIT $2`,
      [HEAVY_USER, THUMBNAILS_STORED],
    );
    for (const [index, { id }] of rows.entries()) {
      const key = `2026/01/${id}.webp`;
      const hue = Math.round((index * 360) / rows.length);
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320"><defs><linearGradient id="g">
        <stop offset="0" stop-color="hsl(${hue},70%,45%)"/><stop offset="1" stop-color="hsl(${(hue + 90) % 360},70%,75%)"/>
        </linearGradient></defs><rect width="320" height="320" fill="url(#g)"/></svg>`;
      mkdirSync(path.join(storageDir, '2026', '01'), { recursive: true });
      writeFileSync(path.join(storageDir, key), await sharp(Buffer.from(svg)).webp({ quality: 80 }).toBuffer());
      await client.query(`UPDATE "creative_assets" SET "thumbnailKey" = $1 WHERE id = $2`, [key, id]);
    }
  });
}

async function main() {
  const scripts = firstLoadScripts();
  const totalGzip = scripts.reduce((sum, script) => sum + script.gzip, 0);
  const assets = Number(option('assets', '100000'));
  const databaseUrl = option('database-url', 'postgresql://postgres@127.0.0.1:5432/creative_engine_bench');
  await ensureSeeded({ databaseUrl, assets, reseed: false, log: (line) => console.error(line) });
  const storageDir = path.join(ROOT, 'bench', '.results', 'storage');
  await storeFirstPageThumbnails(databaseUrl, storageDir);
  const server = await startServer({
    name: 'service',
    script: 'dist/main.js',
    port: Number(option('port', '3917')),
    env: {
      DATABASE_URL: databaseUrl,
      AUTH_MODE: 'header',
      WORKER_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
      STORAGE_DIR: storageDir,
      SIGNED_URL_SECRET: 'bench-signed-url-secret-0123456789abcdef',
      QUEUE_PREFIX: 'creative-engine-bench-web',
    },
  });
  try {
    const times = await firstPageTimes(server.baseUrl);
    const median = (key) => times.map((time) => time[key]).sort((a, b) => a - b)[Math.floor(times.length / 2)];
    console.log(
      JSON.stringify(
        {
          assets,
          firstLoadJavaScript: {
            scripts,
            totalGzipBytes: totalGzip,
            budgetBytes: 250_000,
            withinBudget: totalGzip < 250_000,
          },
          firstGalleryPageMs: {
            runs: times,
            medianCards: median('cards'),
            medianThumbnails: median('thumbnails'),
            budgetMs: 1000,
            withinBudget: median('thumbnails') < 1000,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
