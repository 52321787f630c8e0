import type { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { DECORATORS, type OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

const MODEL_PROPERTIES = DECORATORS.API_MODEL_PROPERTIES;

type SchemaFacts = Record<string, unknown>;
/** Where a DTO is read from: a list in a query string is comma-separated, one in a body a JSON array. */
type Location = 'body' | 'query';

/** A class-validator rule → what it means in the OpenAPI schema of the value it checks. */
const RULES: Record<string, (constraints: unknown[]) => SchemaFacts> = {
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isString: () => ({ type: 'string' }),
  isBoolean: () => ({ type: 'boolean' }),
  isObject: () => ({ type: 'object' }),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  minLength: ([minLength]) => ({ minLength }),
  maxLength: ([maxLength]) => ({ maxLength }),
  isNotEmpty: () => ({ minLength: 1 }),
  isUuid: () => ({ format: 'uuid' }),
  isUrl: () => ({ format: 'uri' }),
  isIn: ([values]) => ({ enum: values }),
  isEnum: ([enumObject]) => ({ enum: Object.values(enumObject as object) }),
  matches: ([pattern]) => ({ pattern: pattern instanceof RegExp ? pattern.source : pattern }),
  arrayMinSize: ([minItems]) => ({ minItems }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  arrayNotEmpty: () => ({ minItems: 1 }),
};

/** Rules about the array's own size: they describe the array even when declared with `{ each: true }`. */
const ARRAY_RULES = new Set(['arrayMinSize', 'arrayMaxSize', 'arrayNotEmpty']);

/**
 * Makes the OpenAPI document say what the validators enforce: every request DTO reachable from a controller
 * gets, per property, the type, bounds, lengths, formats, enums, patterns and `required` that its
 * class-validator rules imply. The validators are the one source; a Swagger decorator only adds what they
 * cannot say (descriptions, examples, defaults) or deliberately overrides a fact with one of its own.
 * Returns the cross-field rules (@ApiSchemaRule) of those DTOs by schema name, for closeRequestSchemas.
 */
export function documentValidationRules(app: INestApplication): Map<string, SchemaFacts> {
  const seen = new Set<Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      for (const method of Object.getOwnPropertyNames(metatype.prototype)) {
        for (const [type, location] of dtoParameters(metatype as Type, method)) describeClass(type, location, seen);
      }
    }
  }
  const schemaRules = new Map<string, SchemaFacts>();
  for (const type of seen) {
    const rule = Reflect.getMetadata(SCHEMA_RULE, type) as SchemaFacts | undefined;
    if (rule) schemaRules.set(type.name, rule);
  }
  return schemaRules;
}

const SCHEMA_RULE = 'creative-engine:schemaRule';

/**
 * A rule over several fields of a request DTO (say, "prompt or templateId, not both"), in JSON Schema words;
 * the DTO's own validation enforces it, this states it in the DTO's schema.
 */
export function ApiSchemaRule(rule: SchemaFacts): ClassDecorator {
  return (target) => Reflect.defineMetadata(SCHEMA_RULE, rule, target);
}

/** The @Body() and @Query() DTO classes of one route handler. */
function dtoParameters(controller: Type, method: string): [Type, Location][] {
  const parameterTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) ??
    []) as Type[];
  const routeArguments = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
    string,
    { index: number }
  >;
  return Object.entries(routeArguments).flatMap(([key, { index }]): [Type, Location][] => {
    const kind = Number(key.split(':')[0]);
    const location = kind === RouteParamtypes.BODY ? 'body' : kind === RouteParamtypes.QUERY ? 'query' : undefined;
    return location && parameterTypes[index] ? [[parameterTypes[index], location]] : [];
  });
}

function describeClass(target: Type, location: Location, seen: Set<Type>): void {
  if (typeof target !== 'function' || seen.has(target)) return;
  seen.add(target);
  const rules = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const rule of rules) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  for (const [property, propertyRules] of byProperty) {
    const existing = Reflect.getMetadata(MODEL_PROPERTIES, target.prototype, property) as SchemaFacts | undefined;
    if (!existing) continue;
    const isList =
      Reflect.getMetadata('design:type', target.prototype, property) === Array || existing.isArray === true;
    Reflect.defineMetadata(
      MODEL_PROPERTIES,
      mergeFacts(existing, propertyRules, isList && location === 'query'),
      target.prototype,
      property,
    );
    if (
      propertyRules.some((rule) => rule.type === ValidationTypes.NESTED_VALIDATION) &&
      typeof existing.type === 'function'
    ) {
      describeClass(existing.type as unknown as Type, location, seen);
    }
  }
}

function mergeFacts(existing: SchemaFacts, rules: ValidationMetadata[], isQueryList: boolean): SchemaFacts {
  const own: SchemaFacts = {};
  const items: SchemaFacts = {};
  for (const rule of rules) {
    const toFacts = rule.name ? RULES[rule.name] : undefined;
    if (!toFacts) continue;
    Object.assign(rule.each && !ARRAY_RULES.has(rule.name!) ? items : own, toFacts(rule.constraints ?? []));
  }
  const merged: SchemaFacts = { ...own, ...withoutUndefined(existing), required: !isOptional(rules) };
  // An integer rule refines the `number` a TypeScript type reflects as; a `string | null` reflects as Object.
  if (own.type === 'integer' && [Number, 'number', undefined].includes(existing.type as never)) merged.type = 'integer';
  if (own.type === 'string' && existing.type === Object) merged.type = 'string';
  if (Object.keys(items).length > 0 || isQueryList) {
    const itemSchema = { type: 'string', ...items, ...(existing.items as SchemaFacts | undefined) };
    Object.assign(
      merged,
      isQueryList
        ? { type: 'array', isArray: undefined, items: itemSchema, style: 'form', explode: false }
        : { items: itemSchema },
    );
  }
  return merged;
}

function isOptional(rules: ValidationMetadata[]): boolean {
  return rules.some((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION);
}

function withoutUndefined(facts: SchemaFacts): SchemaFacts {
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
}

type SchemaNode = {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: unknown;
};
type RequestOperation = { requestBody?: { content?: Record<string, { schema?: SchemaNode }> } };

/**
 * Request bodies refuse unknown properties (the validation pipe's `forbidNonWhitelisted`, nested DTOs
 * included): states it as `additionalProperties: false` on every schema a request body reaches.
 */
export function closeRequestSchemas(document: OpenAPIObject, schemaRules: Map<string, SchemaFacts>): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  for (const [name, rule] of schemaRules) Object.assign(schemas[name] ?? {}, rule);
  const closed = new Set<string>();
  const close = (node: SchemaNode | undefined): void => {
    if (!node) return;
    if (node.$ref) {
      const name = node.$ref.split('/').pop()!;
      if (closed.has(name)) return;
      closed.add(name);
      const schema = schemas[name];
      if (schema?.properties) schema.additionalProperties = false;
      close(schema);
      return;
    }
    Object.values(node.properties ?? {}).forEach(close);
    close(node.items);
  };
  for (const operations of Object.values(document.paths) as Record<string, RequestOperation>[]) {
    for (const operation of Object.values(operations)) {
      Object.values(operation.requestBody?.content ?? {}).forEach((media) => close(media.schema));
    }
  }
}
