// Type-level inference over variables of any raw and value types: `any` is what makes the `infer` positions match.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/** The sections of `.env.example`, in their order. */
export const CONFIG_GROUPS = {
  http: 'HTTP',
  database: 'PostgreSQL (npm run db:migrate creates the database if it does not exist)',
  redis: 'Redis / Bull',
  auth: 'Auth',
  storage: 'Storage of generated files',
  workers: 'Workers',
  openai: 'OpenAI or any OpenAI-compatible endpoint (images, speech and text)',
  text: 'Text generation',
  images: 'Image generation',
  video: 'Video generation',
  audio: 'Audio generation (text to speech)',
  limits: 'Per-user limits',
  operations: 'Operations: metrics and the queue dashboard',
  webhooks: 'Webhooks',
} as const;
export type ConfigGroup = keyof typeof CONFIG_GROUPS;

interface VariableDescription<Raw> {
  name: string;
  group: ConfigGroup;
  /** One line: what the variable does, for `.env.example` and the README. */
  description: string;
  /** Undefined: the variable is optional and unset by default. */
  default: Raw;
  /** A development value `.env.example` sets instead of leaving the variable unset. */
  example?: string;
}

/**
 * One environment variable: its name, default, validation rules (class-validator and class-transformer
 * decorators, applied to EnvironmentVariables) and description, and how its value enters EngineConfig.
 */
export class ConfigVariable<Name extends string = string, Raw = unknown, Value = Raw> {
  readonly name: Name;
  readonly group: ConfigGroup;
  readonly description: string;
  readonly default: Raw;
  readonly example?: string;

  constructor(
    spec: VariableDescription<Raw> & { name: Name },
    readonly rules: readonly PropertyDecorator[],
    readonly toValue: (raw: Raw) => Value,
  ) {
    this.name = spec.name;
    this.group = spec.group;
    this.description = spec.description;
    this.default = spec.default;
    this.example = spec.example;
  }
}

/** A tree of variables whose shape is the shape of the typed config built from it. */
export interface VariableTree {
  readonly [key: string]: AnyVariable | VariableTree;
}

/** The typed values of a tree: each variable replaced by its value. */
export type ValuesOf<Tree> = {
  readonly [Key in keyof Tree]: Tree[Key] extends ConfigVariable<string, any, infer Value>
    ? Value
    : ValuesOf<Tree[Key]>;
};

type AnyVariable = ConfigVariable<string, any, any>;

type VariablesIn<Tree> = {
  [Key in keyof Tree]: Tree[Key] extends AnyVariable ? Tree[Key] : VariablesIn<Tree[Key]>;
}[keyof Tree];

/** The raw (validated, transformed) environment of a tree, keyed by variable name. */
export type EnvironmentOf<Tree> = {
  [
    Variable in VariablesIn<Tree> as Variable extends ConfigVariable<infer Name, any, any> ? Name : never
  ]: Variable extends ConfigVariable<string, infer Raw, any> ? Raw : never;
};

export function variablesIn(tree: VariableTree): ConfigVariable[] {
  return Object.values(tree).flatMap((node) =>
    node instanceof ConfigVariable ? [node as ConfigVariable] : variablesIn(node),
  );
}

export function valuesOf<Tree extends VariableTree>(tree: Tree, env: Record<string, unknown>): ValuesOf<Tree> {
  const entries = Object.entries(tree).map(([key, node]) => [
    key,
    node instanceof ConfigVariable ? node.toValue(env[node.name]) : valuesOf(node, env),
  ]);
  return Object.fromEntries(entries) as ValuesOf<Tree>;
}

const identity = <T>(value: T): T => value;

export const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? (({ true: true, false: false, '1': true, '0': false } as Record<string, boolean>)[value.toLowerCase()] ?? value)
    : value;
export const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
/** '' is unset; a decimal string becomes a number; anything else stays as given and fails validation. */
export const toOptionalDecimal = ({ value }: { value: unknown }) =>
  value === '' ? undefined : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
export const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** A variable with its own rules; `toValue` converts the validated value for EngineConfig. */
export function variable<const Name extends string, Raw, Value = Raw>(
  spec: VariableDescription<Raw> & { name: Name },
  rules: readonly PropertyDecorator[],
  toValue: (raw: Raw) => Value = identity as (raw: Raw) => Value,
): ConfigVariable<Name, Raw, Value> {
  return new ConfigVariable(spec, rules, toValue);
}

export function integer<const Name extends string>(
  spec: VariableDescription<number> & { name: Name; min: number; max: number },
) {
  return variable(spec, [Transform(toInteger), IsInt(), Min(spec.min), Max(spec.max)]);
}

export function text<const Name extends string>(
  spec: VariableDescription<string> & { name: Name },
  ...rules: PropertyDecorator[]
) {
  return variable(spec, [IsString(), ...(rules.length > 0 ? rules : [IsNotEmpty()])]);
}

/** Unset or '' is undefined. */
export function optionalInteger<const Name extends string>(
  spec: Omit<VariableDescription<number | undefined>, 'default'> & { name: Name; min: number; max: number },
) {
  return variable({ ...spec, default: undefined as number | undefined }, [
    Transform((input) => toInteger({ value: emptyToUndefined(input) })),
    IsOptional(),
    IsInt(),
    Min(spec.min),
    Max(spec.max),
  ]);
}

/** Unset or '' is undefined. */
export function optionalText<const Name extends string>(
  spec: Omit<VariableDescription<string | undefined>, 'default'> & { name: Name },
  ...rules: PropertyDecorator[]
) {
  return variable({ ...spec, default: undefined as string | undefined }, [
    Transform(emptyToUndefined),
    IsOptional(),
    IsString(),
    ...rules,
  ]);
}

export function flag<const Name extends string>(spec: VariableDescription<boolean> & { name: Name }) {
  return variable(spec, [Transform(toBoolean), IsBoolean()]);
}

export function oneOf<const Name extends string, const Choice extends string>(
  spec: VariableDescription<Choice> & { name: Name; choices: readonly Choice[] },
) {
  return variable(spec, [IsIn(spec.choices)]);
}

/** Unset or '' is undefined. */
export function optionalOneOf<const Name extends string, const Choice extends string>(
  spec: Omit<VariableDescription<Choice | undefined>, 'default'> & { name: Name; choices: readonly Choice[] },
) {
  return variable({ ...spec, default: undefined as Choice | undefined }, [
    Transform(emptyToUndefined),
    IsOptional(),
    IsIn(spec.choices),
  ]);
}
