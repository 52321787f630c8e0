import { AssetLinks } from '../src/assets/asset-links';
import { ConfigValidationError, loadConfig } from '../src/config/engine-config';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { startImageJob, waitForJobStatus } from './support/image-jobs';
import { testEnvironment } from './support/test-env';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SHARED_SECRET = 'signed-links-shared-secret-of-32-characters';

interface AssetBody {
  id: string;
  signedUrl: string;
  signedThumbnailUrl: string | null;
  signedUrlExpiresAt: string;
}

/** Changes one character of the signature (or of another query value) in a link. */
function alter(link: string, name: 'signature' | 'expires'): string {
  const url = new URL(link, 'http://engine');
  const value = url.searchParams.get(name)!;
  const last = value.at(-1)!;
  url.searchParams.set(name, `${value.slice(0, -1)}${last === '1' ? '2' : '1'}`);
  return `${url.pathname}${url.search}`;
}

describe('signed links to asset bytes', () => {
  let t: TestApp;
  const owner = newUserId('signed');
  let image: AssetBody;

  beforeAll(async () => {
    t = await createTestApp({ SIGNED_URL_SECRET: SHARED_SECRET, SIGNED_URL_TTL_SECONDS: '3600' });
    const jobId = await startImageJob(t.http, owner, {
      prompt: 'A signed lighthouse',
      model: 'placeholder',
      size: '256x256',
    });
    const done = await waitForJobStatus(t.http, owner, jobId);
    image = done.assets[0] as unknown as AssetBody;
  });
  afterAll(() => t.close());

  it('puts links in every asset answer: the job, the asset, the list', async () => {
    const expiresAt = Date.parse(image.signedUrlExpiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThanOrEqual(3590_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(4500_000);
    expect(image.signedUrl).toMatch(
      new RegExp(`^${BASE}/signed/asset/${image.id}/file\\?expires=\\d+&signature=[\\w-]{43}$`),
    );
    expect(image.signedThumbnailUrl).toContain(`/signed/asset/${image.id}/thumbnail?`);
    const asset = await t.http.get(`${BASE}/asset/${image.id}`).set(bearer(owner)).expect(200);
    // Answers close in time carry the same links, so a browser's cache of them keeps working.
    expect(asset.body.signedUrl).toBe(image.signedUrl);
    const list = await t.http.get(`${BASE}/assets`).set(bearer(owner)).expect(200);
    expect(list.body.items[0]).toMatchObject({ id: image.id, signedUrl: image.signedUrl });
  });

  it('serves the bytes with no Authorization header, privately cacheable until expiry, with an ETag', async () => {
    const file = await t.http.get(image.signedUrl).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(Buffer.from(file.body as Buffer).subarray(0, 8)).toEqual(PNG_MAGIC);
    const withBearer = await t.http.get(`${BASE}/asset/${image.id}/file`).set(bearer(owner)).expect(200);
    expect(Buffer.from(file.body as Buffer).equals(Buffer.from(withBearer.body as Buffer))).toBe(true);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(file.headers['cache-control'])?.[1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(file.headers.etag).toMatch(/^".+"$/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    await t.http.get(image.signedUrl).set('If-None-Match', file.headers.etag).expect(304);
    expect(withBearer.headers.etag).toBe(file.headers.etag);
    expect(withBearer.headers['cache-control']).toBe('private, no-cache');

    const thumbnail = await t.http.get(image.signedThumbnailUrl!).expect(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
  });

  it('answers 403 in the error shape for a changed byte, an expired link or another secret', async () => {
    for (const forged of [alter(image.signedUrl, 'signature'), alter(image.signedUrl, 'expires')]) {
      const res = await t.http.get(forged).expect(403);
      expect(res.body).toMatchObject({ success: false, statusCode: 403, error: 'FORBIDDEN' });
    }
    // The file link does not open the thumbnail.
    await t.http.get(image.signedUrl.replace('/file?', '/thumbnail?')).expect(403);

    const row = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: image.id } });
    const stale = await t.app.get(AssetLinks).linksFor(row, Date.now() - 2 * 3600_000 - 1000);
    expect(Date.parse(stale.signedUrlExpiresAt.toISOString())).toBeLessThan(Date.now());
    const expired = await t.http.get(stale.signedUrl).expect(403);
    expect(expired.body.message).toContain('expired');

    const other = await createTestApp({ SIGNED_URL_SECRET: 'another-secret-of-at-least-32-characters!!' });
    try {
      await other.http.get(image.signedUrl).expect(403);
    } finally {
      await other.close();
    }
  });

  it('is honoured by every instance sharing the secret, and shows a private asset to whoever holds the link', async () => {
    const second = await createTestApp({ SIGNED_URL_SECRET: SHARED_SECRET });
    try {
      // A stranger cannot read the private asset with a token of their own …
      await second.http
        .get(`${BASE}/asset/${image.id}/file`)
        .set(bearer(newUserId('stranger')))
        .expect(404);
      // … but a link handed over works, on any instance, until it expires: that is what a signed link is.
      await second.http.get(image.signedUrl).expect(200);
    } finally {
      await second.close();
    }
  });

  it('links text assets to their content, and a deleted asset answers 404', async () => {
    const text = await t.prisma.creativeAsset.create({
      data: {
        userId: owner,
        type: 'text',
        title: 'Signed words',
        sourceModule: 'content_creation',
        url: '/api/creative/asset/x/file',
        content: 'Words behind a link',
        mimeType: 'text/plain',
      },
    });
    const links = await t.app.get(AssetLinks).linksFor(text);
    expect(links.signedThumbnailUrl).toBeNull();
    const res = await t.http.get(links.signedUrl).expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('Words behind a link');
    await t.http.delete(`${BASE}/asset/${text.id}`).set(bearer(owner)).expect(200);
    await t.http.get(links.signedUrl).expect(404);
  });

  it('refuses a bad variant or query with a 400, and needs SIGNED_URL_SECRET when there is no JWT secret', async () => {
    await t.http.get(image.signedUrl.replace('/file?', '/poster?')).expect(400);
    await t.http.get(`${BASE}/signed/asset/${image.id}/file?expires=soon&signature=x`).expect(400);
    const headerMode = () =>
      loadConfig(testEnvironment({ AUTH_MODE: 'header', AUTH_JWT_SECRET: undefined, SIGNED_URL_SECRET: undefined }));
    expect(headerMode).toThrow(ConfigValidationError);
    expect(headerMode).toThrow('SIGNED_URL_SECRET is required when AUTH_JWT_SECRET is unset (AUTH_MODE=header)');
  });
});
