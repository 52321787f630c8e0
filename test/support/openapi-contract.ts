import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { Response } from 'supertest';

/** The parts of an OpenAPI 3.0 document the contract checks read. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  deprecated?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}
export interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** OpenAPI 3.0's `nullable` in JSON Schema words, so a standard validator reads the document. */
/**
 * OpenAPI 3.0 schema → JSON Schema (nullable becomes a null type). With `closed`, an object that lists its
 * properties and says nothing of others takes no others: an answer may not carry fields the document omits.
 */
function toJsonSchema(node: unknown, closed = false): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, closed));
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as JsonSchema & Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value, closed)]),
  ) as Record<string, unknown>;
  if (closed && converted.properties && converted.additionalProperties === undefined)
    converted.additionalProperties = false;
  if (!nullable) return converted;
  if (typeof converted.type === 'string')
    return {
      ...converted,
      type: [converted.type, 'null'],
      ...(converted.enum ? { enum: [...(converted.enum as unknown[]), null] } : {}),
    };
  return { anyOf: [converted, { type: 'null' }] };
}

/** Validates answers against what the document declares for their operation and status. */
export class ContractChecker {
  /** Requests: the document's schemas as they are. */
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  /** Answers: the same schemas, closed (toJsonSchema). */
  private readonly answerAjv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly spec: OpenApi) {
    for (const [ajv, closed] of [
      [this.ajv, false],
      [this.answerAjv, true],
    ] as const) {
      addFormats(ajv);
      ajv.addSchema({ $id: 'openapi', components: toJsonSchema(spec.components, closed) as object });
    }
  }

  operation(method: string, path: string): Operation {
    return this.spec.paths[path][method];
  }

  resolve(schema: JsonSchema | undefined): JsonSchema {
    if (!schema) return {};
    if (schema.$ref) return this.resolve(this.spec.components.schemas[schema.$ref.split('/').pop()!]);
    return schema;
  }

  /** Every way `res` disagrees with the document: an undeclared status, or a body off its schema. */
  problems(method: string, path: string, res: Response): string[] {
    const declared = this.operation(method, path).responses[String(res.status)];
    const where = `${method.toUpperCase()} ${path} → ${res.status}`;
    if (!declared) return [`${where}: status not declared (${JSON.stringify(res.body).slice(0, 200)})`];
    const schema = declared.content?.['application/json']?.schema;
    if (!schema) return [];
    const validate = this.validator(schema, true);
    return validate(res.body)
      ? []
      : [`${where}: ${this.answerAjv.errorsText(validate.errors)} in ${JSON.stringify(res.body).slice(0, 300)}`];
  }

  /** Whether `value` fits `schema` (a document fragment whose refs point into the document). */
  accepts(schema: JsonSchema, value: unknown): boolean {
    return this.validator(schema, false)(value);
  }

  private validator(schema: JsonSchema, forAnswers: boolean): ValidateFunction {
    const key = `${forAnswers}:${JSON.stringify(schema)}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
      ) as object;
      validate = (forAnswers ? this.answerAjv : this.ajv).compile(toJsonSchema(rewritten, forAnswers) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** Text that no trimming changes and every string rule of the document accepts within its lengths. */
function plainText(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: Math.max(minLength, 1),
    maxLength: Math.max(minLength, 1, Math.min(maxLength, 24)),
  });
}

/**
 * Values that fit a schema of the document (the positive data a generated client may send). `ids` supplies
 * existing rows for UUIDs, so requests reach the services and not only their 404s.
 */
export function valueFor(
  checker: ContractChecker,
  raw: JsonSchema | undefined,
  ids: string[],
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = checker.resolve(raw);
  if (schema.enum) return fc.constantFrom(...schema.enum.filter((value) => value !== null));
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return ids.length ? fc.oneof(fc.constantFrom(...ids), fc.uuid()) : fc.uuid();
      if (schema.format === 'date-time')
        return fc
          .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
          .map((date) => date.toISOString());
      if (schema.format === 'uri') return fc.constantFrom('https://cdn.example.com/a.png', 'http://example.org/b');
      if (schema.pattern)
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((value) => value.length <= (schema.maxLength ?? Infinity));
      return plainText(schema.minLength ?? 0, schema.maxLength ?? 24);
    case 'integer':
      return fc.integer({
        min: schema.minimum ?? -1000,
        max: Math.min(schema.maximum ?? 1000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1000,
        max: schema.maximum ?? 1000,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.uniqueArray(valueFor(checker, schema.items, ids, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
        selector: (item) => JSON.stringify(item),
      });
    default:
      if (schema.properties && depth < 4) return objectFor(checker, schema, ids, depth + 1);
      return fc.constantFrom({}, { key: 'value' });
  }
}

/** An object with every required property and any of the others; a `oneOf` of required sets picks one branch. */
export function objectFor(
  checker: ContractChecker,
  schema: JsonSchema,
  ids: string[],
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> {
  const branches = schema.oneOf?.map((branch) => branch.required ?? []) ?? [[]];
  const exclusive = new Set(branches.flat());
  return fc.constantFrom(...branches).chain((branch) => {
    // A generated client sends no deprecated field: each names its replacement.
    const names = Object.entries(schema.properties ?? {})
      .filter(([name, property]) => !property.deprecated && (!exclusive.has(name) || branch.includes(name)))
      .map(([name]) => name);
    const required = names.filter((name) => schema.required?.includes(name) || branch.includes(name));
    const record = Object.fromEntries(
      names.map((name) => [name, valueFor(checker, schema.properties![name], ids, depth)]),
    );
    return fc.record(record, { requiredKeys: required });
  });
}

/** One way to break a declared rule of one property; null when the property's schema states no rule. */
export function violationOf(schema: JsonSchema): unknown[] {
  const broken: unknown[] = [];
  if (schema.type && !schema.nullable) broken.push(null);
  if (schema.enum) broken.push('not-one-of-them');
  switch (schema.type) {
    case 'string':
      broken.push(42);
      if (schema.maxLength !== undefined) broken.push('x'.repeat(schema.maxLength + 1));
      if (schema.minLength) broken.push('');
      if (schema.format === 'uuid') broken.push('not-a-uuid');
      if (schema.format === 'date-time') broken.push('2026-13-45T25:61:00Z');
      break;
    case 'integer':
      broken.push('3', 1.5);
      if (schema.maximum !== undefined) broken.push(schema.maximum + 1);
      if (schema.minimum !== undefined) broken.push(schema.minimum - 1);
      break;
    case 'number':
      broken.push('0.5');
      if (schema.maximum !== undefined) broken.push(schema.maximum + 1);
      if (schema.minimum !== undefined) broken.push(schema.minimum - 1);
      break;
    case 'boolean':
      broken.push('true', 1);
      break;
    case 'array':
      broken.push('not-an-array');
      if (schema.maxItems !== undefined)
        broken.push(Array.from({ length: schema.maxItems + 1 }, (_, index) => `item${index}`));
      if (schema.minItems) broken.push([]);
      break;
  }
  return broken;
}
