import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Validation against the component schemas of OpenAI's published OpenAPI 3.1 document,
 * extracted into test/fixtures/openai-schemas.json by scripts/extract-openai-schemas.js.
 */

export const OPENAI_SCHEMA_NAMES = [
  'CreateChatCompletionRequest',
  'CreateChatCompletionResponse',
  'CreateImageRequest',
  'ImagesResponse',
  'ErrorResponse',
  'CreateVideoMultipartBody',
  'VideoResource',
  'DeletedVideoResource',
  'CreateImageEditRequest',
  'ImageEditStreamEvent',
  'ImageGenStreamEvent',
] as const;

/** The root schemas; any other component schema of the fixture (e.g. `CompletionUsage`) is accepted too. */
export type OpenAiSchemaName = (typeof OPENAI_SCHEMA_NAMES)[number] | (string & {});

export class OpenAiSchemaError extends Error {
  constructor(
    readonly schemaName: string,
    readonly violations: string[],
  ) {
    super(`Value does not match OpenAI schema ${schemaName}:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'OpenAiSchemaError';
  }
}

const FIXTURE_PATH = join(__dirname, '..', 'fixtures', 'openai-schemas.json');
const DOCUMENT_ID = 'openai-schemas.json';
const MAX_LISTED_VIOLATIONS = 25;

type JsonObject = Record<string, unknown>;

// Keywords whose values are data, not subschemas: never rewrite inside them.
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'example', 'examples', 'x-oaiMeta']);

/**
 * The document is OpenAPI 3.1 but still uses the 3.0 `nullable: true` keyword, which JSON Schema 2020-12
 * does not know. Rewrite it into its 3.1 meaning: `null` becomes an allowed type (and enum member).
 */
function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseNullable);
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node as JsonObject)) {
    out[key] = DATA_KEYWORDS.has(key) ? value : normaliseNullable(value);
  }
  // The stream events pair `discriminator` with anyOf, which Ajv's discriminator keyword refuses (it needs oneOf);
  // there it only names the property that tells the branches apart, which anyOf checks anyway.
  if (out.discriminator && !out.oneOf) delete out.discriminator;
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string' || Array.isArray(out.type)) {
    const types = Array.isArray(out.type) ? out.type : [out.type];
    if (!types.includes('null')) out.type = [...types, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  // No `type` beside `nullable` (e.g. beside anyOf/oneOf/$ref): allow null alongside the whole schema.
  return { anyOf: [out, { type: 'null' }] };
}

function createAjv(): Ajv2020 {
  // strict: false lets Ajv ignore OpenAPI annotations (x-*, example, x-oaiMeta). The discriminator option
  // makes a oneOf over message roles report the errors of the matching branch only.
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: (value: number) => Number.isInteger(value) && value >= 0 });
  return ajv;
}

let openAiAjv: Ajv2020 | undefined;
let schemaNames: Set<string> | undefined;
const validators = new Map<string, ValidateFunction>();

function openAiValidator(name: string): ValidateFunction {
  const cached = validators.get(name);
  if (cached) return cached;
  if (!openAiAjv) {
    const fixture = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as { components: { schemas: JsonObject } };
    schemaNames = new Set(Object.keys(fixture.components.schemas));
    openAiAjv = createAjv();
    openAiAjv.addSchema({ components: { schemas: normaliseNullable(fixture.components.schemas) } }, DOCUMENT_ID);
  }
  if (!schemaNames?.has(name)) throw new Error(`Unknown OpenAI schema ${name} (not in ${FIXTURE_PATH})`);
  const validate = openAiAjv.getSchema(`${DOCUMENT_ID}#/components/schemas/${name}`);
  if (!validate) throw new Error(`Could not compile OpenAI schema ${name}`);
  validators.set(name, validate);
  return validate;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (error.keyword === 'enum') detail = ` ${JSON.stringify(params.allowedValues)}`;
  else if (error.keyword === 'additionalProperties') detail = ` '${String(params.additionalProperty)}'`;
  else if (error.keyword === 'const') detail = ` ${JSON.stringify(params.allowedValue)}`;
  return `${where} ${error.message ?? error.keyword}${detail} (${error.schemaPath})`;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  const lines = [...new Set((errors ?? []).map(describeError))];
  if (lines.length <= MAX_LISTED_VIOLATIONS) return lines;
  return [...lines.slice(0, MAX_LISTED_VIOLATIONS), `… and ${lines.length - MAX_LISTED_VIOLATIONS} more`];
}

/** The violations of `value` against an OpenAI component schema; empty when it matches. */
export function validateAgainstOpenAiSchema(schemaName: OpenAiSchemaName, value: unknown): string[] {
  const validate = openAiValidator(schemaName);
  return validate(value) ? [] : describeErrors(validate.errors);
}

/** Throws an {@link OpenAiSchemaError} listing every violation when `value` does not match the schema. */
export function assertMatchesOpenAiSchema(schemaName: OpenAiSchemaName, value: unknown): void {
  const violations = validateAgainstOpenAiSchema(schemaName, value);
  if (violations.length > 0) throw new OpenAiSchemaError(schemaName, violations);
}

let userSchemaAjv: Ajv2020 | undefined;
const userSchemaValidators = new Map<string, ValidateFunction>();

/**
 * Validates `value` against an arbitrary JSON schema, such as the one a chat request passes in
 * `response_format.json_schema.schema`. Returns the violations; empty when it matches.
 */
export function validateAgainstJsonSchema(schema: object, value: unknown): string[] {
  const key = JSON.stringify(schema);
  let validate = userSchemaValidators.get(key);
  if (!validate) {
    userSchemaAjv ??= createAjv();
    // Drop $schema/$id: the draft is ours to choose, and a repeated $id would clash in the shared Ajv.
    const { $schema: _draft, $id: _id, ...rest } = schema as JsonObject;
    validate = userSchemaAjv.compile(rest);
    userSchemaValidators.set(key, validate);
  }
  return validate(value) ? [] : describeErrors(validate.errors);
}
