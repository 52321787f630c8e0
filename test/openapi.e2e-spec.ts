import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASE, createTestApp, TestApp } from './support/app';

const COMMITTED = path.join(__dirname, '..', 'openapi.json');
const SERVER_ONLY_FIELDS = ['storageKey', 'thumbnailKey', 'searchVector'];

type Operation = { security?: Record<string, string[]>[]; responses: Record<string, unknown> };

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: Record<string, unknown>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http.get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('GET /docs-json is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('swagger-ui');
  });

  it('declares bearer auth and requires it on every /api/creative operation but the signed links', () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const signed = [`${BASE}/signed/asset/{id}/{variant}`, `${BASE}/signed/job/{jobId}/preview/{index}`];
    for (const route of signed) expect(document.paths[route].get.security).toBeUndefined();
    const unsecured = Object.entries(document.paths)
      .filter(([route]) => route.startsWith(BASE) && !signed.includes(route))
      .flatMap(([route, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => !operation.security?.some((requirement) => 'bearer' in requirement))
          .map(([method]) => `${method.toUpperCase()} ${route}`),
      );
    expect(unsecured).toEqual([]);
  });

  it('never documents server-only fields', () => {
    const text = JSON.stringify(document.components);
    for (const field of SERVER_ONLY_FIELDS) expect(text).not.toContain(`"${field}"`);
  });

  it('matches the committed openapi.json (regenerate with UPDATE_OPENAPI=1)', () => {
    const generated = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, generated);
    expect(generated).toBe(readFileSync(COMMITTED, 'utf8'));
  });
});
