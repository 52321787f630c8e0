import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AssetsService } from '../src/assets/assets.service';
import { EDIT_OPERATIONS } from '../src/providers/image/image-provider';
import { IMAGE_GENERATION_QUEUE } from '../src/queue/queue.constants';
import { createTestApp, TestApp, tokenFor } from './support/app';
import { launchChromium, screenshot, seriousAccessibilityViolations } from './support/browser';
import { assetRow, jobRow, newUserId, pngBytes } from './support/factories';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';

/**
 * The gallery (web/) in a real browser against the real service, PostgreSQL, Redis and the placeholder
 * providers: what a user does, page by page. The build it drives is the one `npm run build` made (pretest).
 */
const BUDGET_USD = 5;

/** Waits until `check` holds (Playwright's own expect is not used here: jest's asserts, after the wait). */
const until = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) =>
  (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

describe('the gallery in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const user = newUserId('gallery');

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const open = async (route: string, title: string | RegExp) => {
    await page.goto(`${base}${route}`);
    await heading(title).waitFor();
  };
  const cards = () => page.getByRole('list', { name: 'Assets' }).getByRole('link');
  const countText = () => page.getByRole('status').filter({ hasText: /asset/ }).first().textContent();

  // Callbacks of page.evaluate run in the browser; this project's types have no DOM, hence the casts.
  beforeAll(async () => {
    t = await createTestApp({
      IMAGE_DEFAULT_PROVIDER: 'placeholder',
      USER_DAILY_BUDGET_USD: String(BUDGET_USD),
      JOB_EVENTS_POLL_MS: '200',
      // Jobs seeded as queued rows stay queued: nothing re-enqueues them while the spec looks at them.
      QUEUE_RECOVERY_INTERVAL_MS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in with a pasted token, or a #token= link that leaves the address bar at once; a 401 returns to sign-in', async () => {
    await page.goto(`${base}/`);
    await heading('Sign in to the gallery').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Token').fill(tokenFor(user));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Gallery').waitFor();

    // An expired or foreign token: the first 401 ends the session.
    await page.evaluate(() => sessionStorage.setItem('creative-engine.token', 'not-a-jwt'));
    await page.reload();
    await heading('Sign in to the gallery').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('creative-engine.token'))).toBeNull();

    const token = tokenFor(user);
    await page.goto(`${base}/jobs#token=${token}`);
    await heading('Jobs').waitFor();
    expect(page.url()).toBe(`${base}/jobs`);
    expect(await page.evaluate(() => sessionStorage.getItem('creative-engine.token'))).toBe(token);
    // The history entry of the link itself was replaced: going back cannot show the token again.
    expect(await page.evaluate('window.location.hash')).toBe('');
  });

  it('generates an image with the placeholder, following the job live until the result opens', async () => {
    await open('/create', 'Create');
    await page.getByLabel('Model').selectOption('placeholder');
    await page.getByLabel('Prompt').fill('A lighthouse at dawn, watercolor');
    await page.getByLabel('Tags, separated by commas (optional)').fill('coast');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForURL(/\/job\/[0-9a-f-]{36}$/);
    const jobId = page.url().split('/').pop()!;
    await page.waitForURL(/\/asset\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await heading('A lighthouse at dawn, watercolor').waitFor();
    const image = page.getByRole('img', { name: 'A lighthouse at dawn, watercolor' });
    await until(
      () => image.evaluate((element) => (element as unknown as Record<string, number>).naturalWidth > 0),
      'the image',
    );
    const job = await t.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } });
    expect([job.userId, job.status]).toEqual([user, 'completed']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'asset');

    // Zoom: the image toggles between fitting the page and full size, by mouse or keyboard.
    const zoom = page.getByRole('button', { name: 'Zoom to full size' });
    await zoom.focus();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Fit the image to the page' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
  });

  it('shows the library as a grid, loads the next page on scrolling, and searches and filters through the URL', async () => {
    await t.prisma.creativeAsset.createMany({
      data: [
        ...Array.from({ length: 55 }, (_, index) =>
          assetRow(user, { title: `Note ${index}`, content: `Menu draft ${index}` }),
        ),
        assetRow(user, { title: 'Harbour poem', content: 'Gulls over the harbour', tags: ['poetry'] }),
      ] as never,
    });
    await open('/', 'Gallery');
    await until(async () => (await cards().count()) === 50, 'the first page of 50');
    expect(await countText()).toBe('50+ assets');
    await cards().last().scrollIntoViewIfNeeded();
    await until(async () => (await cards().count()) === 57, 'the next page on scrolling');
    expect(await countText()).toBe('57 assets');
    await screenshot(page, 'gallery');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Keyboard: arrows move between the cards of the grid.
    await cards().first().focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate("document.activeElement?.getAttribute('href')")).toBe(
      await cards().nth(1).getAttribute('href'),
    );

    await page.getByLabel('Search', { exact: true }).fill('harbour');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await until(async () => (await cards().count()) === 1, 'the search result');
    expect(await cards().first().textContent()).toContain('Harbour poem');
    expect(new URL(page.url()).searchParams.get('search')).toBe('harbour');

    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('Type').selectOption('image');
    await until(async () => (await cards().count()) === 1, 'the image filter');
    expect(await cards().first().textContent()).toContain('A lighthouse at dawn');
    await page.getByLabel('Made by').selectOption('image_generation');
    await page.getByLabel('Model').selectOption('placeholder');
    // The view is in the URL: a reload (or a shared link) shows the same.
    await page.reload();
    await heading('Gallery').waitFor();
    await until(async () => (await cards().count()) === 1, 'the filtered view after reload');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      type: 'image',
      sourceModule: 'image_generation',
      model: 'placeholder',
    });
    expect(await page.getByLabel('Type').inputValue()).toBe('image');

    await page.getByLabel('Type').selectOption('');
    await page.getByLabel('Made by').selectOption('');
    await page.getByLabel('Model').selectOption('');
    await page.getByLabel('Tags (all of)').fill('poetry');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await until(async () => (await cards().count()) === 1, 'the tag filter');
    expect(await cards().first().textContent()).toContain('Harbour poem');
  });

  it('favorites, tags and collects an asset, and each shows in the gallery filters', async () => {
    const [harbour] = await t.prisma.creativeAsset.findMany({ where: { userId: user, title: 'Harbour poem' } });
    await open(`/asset/${harbour.id}`, 'Harbour poem');
    const favorite = page.getByRole('button', { name: /Favorite/ });
    expect(await favorite.getAttribute('aria-pressed')).toBe('false');
    await favorite.click();
    await until(async () => (await favorite.getAttribute('aria-pressed')) === 'true', 'the favorite');

    await page.getByLabel('Tags, separated by commas').fill('poetry, sea');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();

    await page.getByLabel('Name of the new collection').fill('Seaside');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Added to Seaside.').waitFor();
    const stored = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: harbour.id } });
    expect([stored.isFavorite, stored.tags]).toEqual([true, ['poetry', 'sea']]);

    await open('/?favorite=true', 'Gallery');
    await until(async () => (await cards().count()) === 1, 'the favorites');
    await open('/?tags=sea', 'Gallery');
    await until(async () => (await cards().count()) === 1, 'the tag sea');
    await open('/', 'Gallery');
    await page.getByLabel('Collection').selectOption({ label: 'Seaside' });
    await until(async () => (await cards().count()) === 1, 'the collection');
    expect(await cards().first().textContent()).toContain('Harbour poem');
  });

  it('deletes an asset after confirming in a dialog (Escape or Cancel keeps it)', async () => {
    const [note] = await t.prisma.creativeAsset.findMany({ where: { userId: user, title: 'Note 3' } });
    await open(`/asset/${note.id}`, 'Note 3');
    const remove = page.getByRole('button', { name: 'Delete' });
    await remove.click();
    const dialog = page.getByRole('dialog', { name: 'Delete this asset?' });
    await dialog.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // Focus starts on the safe choice; Escape closes and gives focus back to the button that opened it.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Delete');
    expect(await t.prisma.creativeAsset.count({ where: { id: note.id } })).toBe(1);

    await remove.click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await heading('Gallery').waitFor();
    expect(await t.prisma.creativeAsset.count({ where: { id: note.id } })).toBe(0);
  });

  it('upscales an image from its asset page, following the job there until the result opens with its parent in the lineage', async () => {
    const source = await t.app.get(AssetsService).saveAsset(user, {
      type: 'image',
      sourceModule: 'upload',
      title: 'Harbour at noon',
      bytes: await pngBytes(96, 64),
    });
    await open(`/asset/${source.id}`, 'Harbour at noon');

    // The edit dialog offers what the catalogue says the placeholder can do; Escape closes it, focus returns.
    const edit = page.getByRole('button', { name: 'Edit…' });
    await edit.click();
    const editDialog = page.getByRole('dialog', { name: 'Edit this image' });
    await editDialog.waitFor();
    expect(await editDialog.getByLabel('Operation').locator('option').allTextContents()).toEqual([...EDIT_OPERATIONS]);
    await editDialog.getByLabel('Operation').selectOption('search_and_replace');
    await editDialog.getByLabel('What to find').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'asset-edit');
    await page.keyboard.press('Escape');
    await editDialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Edit…');

    await page.getByRole('button', { name: 'Upscale…' }).click();
    const upscaleDialog = page.getByRole('dialog', { name: 'Upscale this image' });
    await upscaleDialog.getByLabel('Provider').selectOption('placeholder');
    await upscaleDialog.getByLabel('Mode').selectOption('fast');
    // This worker holds the job back until the page has shown it queued, then lets it run.
    const queue = t.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE));
    await queue.pause(true);
    await upscaleDialog.getByRole('button', { name: 'Start the upscale' }).click();
    await upscaleDialog.waitFor({ state: 'hidden' });
    const progress = page.locator('.job-progress').filter({ has: page.getByLabel('Progress of the upscale') });
    await progress.filter({ hasText: 'queued' }).waitFor();
    await queue.resume(true);
    await page.waitForURL((url) => /\/asset\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(source.id), {
      timeout: 30_000,
    });
    await heading('upscaled: Harbour at noon').waitFor();
    const child = await t.prisma.creativeAsset.findFirstOrThrow({ where: { userId: user, parentAssetId: source.id } });
    expect([child.width, child.height]).toEqual([192, 128]);
    const madeFrom = page.getByRole('list', { name: 'Made from', exact: true });
    await madeFrom.waitFor();
    expect(await madeFrom.getByRole('link').allTextContents()).toEqual(['Harbour at noon']);

    await madeFrom.getByRole('link').click();
    await heading('Harbour at noon').waitFor();
    const children = page.getByRole('list', { name: 'Made from this' });
    await children.waitFor();
    expect(await children.getByRole('link').allTextContents()).toEqual(['upscaled: Harbour at noon']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'asset-lineage');
  });

  it('makes speech with the placeholder and plays it; opens a text asset', async () => {
    await open('/create?kind=audio', 'Create');
    await page.getByLabel('Model').selectOption('placeholder-tts');
    await page.getByLabel('Text to speak').fill('Welcome to the autumn menu');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForURL(/\/asset\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const audio = page.locator('audio');
    await until(
      () => audio.evaluate((element) => (element as unknown as Record<string, number>).duration > 0),
      'the audio metadata',
    );

    const text = await t.app.get(AssetsService).saveAsset(user, {
      type: 'text',
      sourceModule: 'content_creation',
      title: 'Autumn menu copy',
      content: 'Pumpkin soup, roasted chestnuts and a warm cider.',
    });
    await open(`/asset/${text.id}`, 'Autumn menu copy');
    expect(await page.locator('pre.text-content').textContent()).toBe(
      'Pumpkin soup, roasted chestnuts and a warm cider.',
    );
  });

  it('lists the jobs and cancels a queued one', async () => {
    const nextAttemptAt = new Date(Date.now() + 90_000);
    const queued = jobRow(user, {
      prompt: 'A ship in a bottle, waiting',
      attempts: 1,
      errorMessage: 'Attempt 1 failed, will retry: HTTP 503',
      nextAttemptAt,
    });
    await t.prisma.generationJob.createMany({ data: [queued] as never });
    await open('/jobs', 'Jobs');
    const row = page.getByRole('listitem').filter({ hasText: 'A ship in a bottle, waiting' });
    await row.waitFor();
    expect(await row.textContent()).toContain('queued');
    // When the retry runs: the time of the answer's nextAttemptAt, and how far off it is.
    const retry = row.locator('time');
    expect(await retry.getAttribute('datetime')).toBe(nextAttemptAt.toISOString());
    expect(await row.textContent()).toMatch(/retry at \d{2}:\d{2}:\d{2}, in (8\d|9\d) s/);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'jobs');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await until(async () => (await row.textContent())!.includes('cancelled'), 'the cancelled job');
    expect((await t.prisma.generationJob.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe('cancelled');
  });

  it('charts the spend by day and by provider and model, with the daily budget', async () => {
    await t.prisma.creativeAsset.createMany({
      data: [
        assetRow(user, { type: 'image', provider: 'openai', model: 'gpt-image-2', cost: 1.25, content: null }),
      ] as never,
    });
    await open('/spend', 'Spend');
    await page.getByText(`of $${BUDGET_USD.toFixed(2)}`).waitFor();
    const chart = page.getByRole('img', { name: 'Cost by provider and model in USD' });
    await chart.waitFor();
    // The chart has drawn: its canvas holds coloured pixels.
    expect(
      await chart.evaluate((canvas) => (canvas as unknown as { toDataURL(): string }).toDataURL().length > 2000),
    ).toBe(true);
    const table = page.getByRole('table', { name: 'Cost by provider and model' });
    expect(await table.getByRole('row', { name: /openai · gpt-image-2/ }).textContent()).toContain('$1.25');
    expect(await page.getByRole('table', { name: 'Cost by day' }).getByRole('row').count()).toBeGreaterThan(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'spend');
  });

  it('create and jobs pages pass axe; every page fits a phone-width screen', async () => {
    await open('/create', 'Create');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'create');
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [route, title] of [
      ['/', 'Gallery'],
      ['/create', 'Create'],
      ['/jobs', 'Jobs'],
      ['/spend', 'Spend'],
    ]) {
      await open(route, title);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect([route, overflow]).toEqual([route, 0]);
    }
    await open('/', 'Gallery');
    await until(async () => (await cards().count()) > 0, 'the grid');
    await screenshot(page, 'gallery-phone');
  });
});

describe('the gallery in Chromium: live previews from a provider that streams them', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let base: string;
  let browser: Browser;
  let page: Page;
  const user = newUserId('gallery-previews');
  const previews = () => page.getByRole('img', { name: /^Preview \d of the image being made$/ });
  const loaded = (image: ReturnType<Page['getByRole']>) =>
    image.evaluate((element) => (element as unknown as Record<string, number>).naturalWidth > 0);

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-test-gallery' });
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-gallery-previews`,
      ...fakeProviderEnvironment(fake, 'sk-test-gallery'),
      JOB_EVENTS_POLL_MS: '100',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${base}/create#token=${tokenFor(user)}`);
  });
  afterEach(() => fake.assertNoSchemaViolations());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake?.close();
  });

  const generate = async (prompt: string, partialImages: string) => {
    await page.getByRole('heading', { level: 1, name: 'Create' }).waitFor();
    await page.getByLabel('Model').selectOption('gpt-image-2');
    await page.getByLabel('Live previews while it renders').selectOption(partialImages);
    await page.getByLabel('Prompt').fill(prompt);
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.waitForURL(/\/job\/[0-9a-f-]{36}$/);
    return page.url().split('/').pop()!;
  };

  it('shows each partial image while the job runs, the latest replacing the previous, until the result opens', async () => {
    fake.streamGapMs = 1500;
    const jobId = await generate('A harbour at dusk, slowly', '2');
    const first = page.getByRole('img', { name: 'Preview 1 of the image being made' });
    await first.waitFor();
    await until(() => loaded(first), 'the first preview to load');
    expect(await first.getAttribute('src')).toMatch(new RegExp(`^/api/creative/signed/job/${jobId}/preview/0\\?`));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'job-preview');
    await page.getByRole('img', { name: 'Preview 2 of the image being made' }).waitFor();
    expect(await previews().count()).toBe(1);
    await page.waitForURL(/\/asset\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await page.getByRole('heading', { level: 1, name: 'A harbour at dusk, slowly' }).waitFor();
    expect((await t.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } })).status).toBe('completed');
    expect(fake.requestsTo('images').at(-1)?.body).toMatchObject({ stream: true, partial_images: 2 });
  });

  it('removes the preview when the job ends without a result (cancelled while it renders)', async () => {
    fake.streamGapMs = 4000;
    await page.goto(`${base}/create`);
    await generate('A lighthouse, cancelled halfway', '1');
    await page.getByRole('img', { name: 'Preview 1 of the image being made' }).waitFor();
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('heading', { level: 1, name: 'Job cancelled' }).waitFor();
    expect(await previews().count()).toBe(0);
  });
});
