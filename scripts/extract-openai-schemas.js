#!/usr/bin/env node
'use strict';
// Regenerates test/fixtures/openai-schemas.json from the published OpenAI OpenAPI document.
//
//   node scripts/extract-openai-schemas.js <path/to/openai-openapi.json>
//   OPENAI_OPENAPI_SPEC=<path/to/openai-openapi.json> node scripts/extract-openai-schemas.js
//
// The input is `openai-openapi.json` from https://github.com/openai/openai-openapi (MIT) at the commit in
// SOURCE below; download it wherever you like and pass its path. Keeps only the component schemas the
// tests validate against, closed over `$ref`, verbatim. The fixture is committed, so the test suite never
// needs the source document.

const fs = require('node:fs');
const path = require('node:path');

const ROOT_SCHEMAS = [
  'CreateChatCompletionRequest',
  'CreateChatCompletionResponse',
  'CreateImageRequest',
  'ImagesResponse',
  'ErrorResponse',
  'CreateVideoMultipartBody',
  'VideoResource',
  'DeletedVideoResource',
  'CreateSpeechRequest',
  'CreateImageEditRequest',
  'ImageEditStreamEvent',
  'ImageGenStreamEvent',
];
const REF_PREFIX = '#/components/schemas/';

const SOURCE = {
  repository: 'https://github.com/openai/openai-openapi',
  commit: 'f85dbe223d40e1a31cba812ab2d755c7e98a92a3',
  date: '2026-08-21',
  file: 'openai-openapi.json (OpenAPI 3.1)',
};
const LICENCE = {
  spdx: 'MIT',
  copyright: 'Copyright (c) OpenAI',
  note: 'Component schemas extracted verbatim from the source document; nothing else was changed.',
  text: [
    'MIT License',
    '',
    'Copyright (c) OpenAI',
    '',
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated',
    'documentation files (the "Software"), to deal in the Software without restriction, including without limitation',
    'the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and',
    'to permit persons to whom the Software is furnished to do so, subject to the following conditions:',
    '',
    'The above copyright notice and this permission notice shall be included in all copies or substantial portions',
    'of the Software.',
    '',
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO',
    'THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE',
    'AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF',
    'CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER',
    'DEALINGS IN THE SOFTWARE.',
  ].join('\n'),
};

const repoRoot = path.resolve(__dirname, '..');
const specArgument = process.argv[2] ?? process.env.OPENAI_OPENAPI_SPEC;
if (!specArgument) {
  console.error(
    'Usage: node scripts/extract-openai-schemas.js <path/to/openai-openapi.json> (or set OPENAI_OPENAPI_SPEC)\n' +
      `The document: openai-openapi.json of ${SOURCE.repository} at commit ${SOURCE.commit}.`,
  );
  process.exit(2);
}
const specPath = path.resolve(specArgument);
const outPath = path.join(repoRoot, 'test', 'fixtures', 'openai-schemas.json');

function collectRefs(node, found) {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (!value.startsWith(REF_PREFIX)) throw new Error(`Unsupported $ref ${value}`);
        found.push(value.slice(REF_PREFIX.length));
      } else {
        collectRefs(value, found);
      }
    }
  }
}

function closeOverRefs(allSchemas, roots) {
  const kept = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift();
    if (kept.has(name)) continue;
    if (!(name in allSchemas)) throw new Error(`Schema ${name} not found in ${specPath}`);
    kept.add(name);
    const refs = [];
    collectRefs(allSchemas[name], refs);
    queue.push(...refs);
  }
  return [...kept].sort();
}

function main() {
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const allSchemas = spec.components.schemas;
  const names = closeOverRefs(allSchemas, ROOT_SCHEMAS);
  const fixture = {
    _source: { ...SOURCE, openapi: spec.openapi, apiVersion: spec.info?.version },
    _licence: LICENCE,
    _roots: ROOT_SCHEMAS,
    components: { schemas: Object.fromEntries(names.map((name) => [name, allSchemas[name]])) },
  };
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`Wrote ${names.length} schemas to ${path.relative(repoRoot, outPath)}`);
}

main();
