import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Clients are generated from openapi.json: the types openapi-typescript makes of it (defaults not treated
 * as required input) must let a caller send only the required fields, send null where the contract allows
 * it, and read the error body's details — and must refuse what the contract refuses.
 */
const ROOT = path.join(__dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

const CALLER = `
import type { components, paths } from './api';

type JsonBody<P extends keyof paths, M extends 'post' | 'patch'> = NonNullable<paths[P][M]> extends { requestBody?: infer B }
  ? NonNullable<B> extends { content: { 'application/json': infer J } } ? J : never
  : never;

export const fromPrompt: JsonBody<'/api/creative/image/generate', 'post'> = { prompt: 'A lighthouse' };
export const fromTemplate: JsonBody<'/api/creative/image/generate', 'post'> = { templateId: 'c0ffee00-7e4d-4a7e-9000-000000000012' };
export const regenerate: JsonBody<'/api/creative/image/{assetId}/regenerate', 'post'> = {};
export const template: JsonBody<'/api/creative/template', 'post'> = { name: 'Tweet', type: 'text', prompt: 'Hello' };
export const clearing: JsonBody<'/api/creative/template/{id}', 'patch'> = {
  description: null, category: null, negativePrompt: null, model: null, thumbnailUrl: null, parameters: null,
};
export const content: JsonBody<'/api/creative/content/generate', 'post'> = { type: 'blog_post', prompt: 'Autumn latte' };
export const collection: JsonBody<'/api/creative/collections', 'post'> = { name: 'Favourites' };
export const favorite: NonNullable<paths['/api/creative/asset/{id}/favorite']['post']['requestBody']>['content']['application/json'] = { favorite: false };

export const noHeaderNeeded: paths['/api/creative/image/generate']['post']['parameters'] = {};
export const jobsQuery: NonNullable<paths['/api/creative/jobs']['get']['parameters']['query']> = { status: ['queued', 'processing'], type: ['image_generation'], limit: 5 };
export const details: components['schemas']['ErrorResponseDto']['details'] = [{ field: 'n', problems: ['n must not be greater than 10'] }];

// @ts-expect-error a template needs a name, a type and a prompt
export const incomplete: JsonBody<'/api/creative/template', 'post'> = { name: 'Tweet' };
// @ts-expect-error the job status is an enum
export const badStatus: NonNullable<paths['/api/creative/jobs']['get']['parameters']['query']> = { status: ['sleeping'] };
`;

describe('a client generated from openapi.json (openapi-typescript)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'creative-client-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles for calls with only the required fields, nulls where allowed, and typed error details', () => {
    execFileSync(
      bin('openapi-typescript'),
      [path.join(ROOT, 'openapi.json'), '-o', path.join(dir, 'api.d.ts'), '--default-non-nullable', 'false'],
      { stdio: 'pipe' },
    );
    writeFileSync(path.join(dir, 'caller.ts'), CALLER);
    const compile = () =>
      execFileSync(
        bin('tsc'),
        [
          '--ignoreConfig',
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--target',
          'ES2022',
          '--module',
          'nodenext',
          path.join(dir, 'caller.ts'),
        ],
        { stdio: 'pipe', encoding: 'utf8' },
      );
    try {
      compile();
    } catch (error) {
      throw new Error(
        `the generated client does not compile:\n${(error as { stdout?: string }).stdout ?? String(error)}`,
        { cause: error },
      );
    }
  }, 60_000);
});
