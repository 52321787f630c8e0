import { ValidationError } from '../common/errors';

/**
 * `{{variable}}` placeholders of templates: parsing, the agreement check between a prompt and its declared
 * variables, and rendering. Pure functions, so the rules are unit-tested without a database.
 *
 * Rules:
 * - a placeholder is `{{ name }}` (spaces inside the braces allowed); names are identifiers
 *   (a letter or `_`, then letters, digits or `_`, at most 64 characters);
 * - every placeholder of the prompt (and negative prompt) is declared, and every declared variable is used;
 * - values are inserted as plain text in one pass: a value that itself contains `{{x}}` stays literal,
 *   nothing in a template is ever executed.
 */

export const TEMPLATE_LIMITS = {
  maxVariables: 50,
  maxNameLength: 64,
  maxDescriptionLength: 500,
  maxValueLength: 5_000,
  maxRenderedLength: 32_000,
} as const;

export interface TemplateVariable {
  name: string;
  description?: string;
  required: boolean;
  default?: string;
}

export type TemplateValues = Record<string, string>;

/** What callers may pass as values: text, or numbers and booleans that are inserted as their text. */
export type TemplateValueInput = Record<string, unknown>;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface PlaceholderScan {
  /** Distinct valid placeholder names, in order of first appearance. */
  names: string[];
  /** Placeholders whose inside is not a variable name, e.g. `{{ first name }}`. */
  invalid: string[];
}

export function isVariableName(name: string): boolean {
  return name.length <= TEMPLATE_LIMITS.maxNameLength && VARIABLE_NAME.test(name);
}

export function scanPlaceholders(...texts: (string | null | undefined)[]): PlaceholderScan {
  const names = new Set<string>();
  const invalid = new Set<string>();
  for (const text of texts) {
    for (const match of (text ?? '').matchAll(PLACEHOLDER)) {
      if (isVariableName(match[1])) names.add(match[1]);
      else invalid.add(match[0]);
    }
  }
  return { names: [...names], invalid: [...invalid] };
}

/**
 * Problems with a template's declared variables against its prompt texts; empty when they agree.
 * Each problem is a sentence naming the variables concerned.
 */
export function templateVariableProblems(
  variables: readonly TemplateVariable[],
  ...texts: (string | null | undefined)[]
): string[] {
  const problems: string[] = [];
  const scan = scanPlaceholders(...texts);
  if (scan.invalid.length > 0) {
    problems.push(
      `placeholders must be {{name}} with a letter or _ then letters, digits or _ (at most ${TEMPLATE_LIMITS.maxNameLength}): ${scan.invalid.join(', ')}`,
    );
  }
  const declared = variables.map((variable) => variable.name);
  const duplicates = [...new Set(declared.filter((name, index) => declared.indexOf(name) !== index))];
  if (duplicates.length > 0) problems.push(`variables are declared more than once: ${duplicates.join(', ')}`);

  const undeclared = scan.names.filter((name) => !declared.includes(name));
  if (undeclared.length > 0)
    problems.push(`placeholders used in the prompt but not declared in variables: ${undeclared.join(', ')}`);
  const unused = [...new Set(declared)].filter((name) => !scan.names.includes(name));
  if (unused.length > 0) problems.push(`variables declared but not used in the prompt: ${unused.join(', ')}`);
  return problems;
}

/** Throws a 400 naming every disagreement between the prompt texts and the declared variables. */
export function assertTemplateVariablesAgree(
  variables: readonly TemplateVariable[],
  ...texts: (string | null | undefined)[]
): void {
  const problems = templateVariableProblems(variables, ...texts);
  if (problems.length > 0) {
    throw new ValidationError(`Template variables do not match the prompt: ${problems.join('; ')}`, [
      { field: 'variables', problems },
    ]);
  }
}

/**
 * The value of each declared variable: the given value, else its default, else '' for optional ones.
 * Throws one 400 naming every missing required variable and every value for an undeclared name.
 */
export function resolveTemplateValues(
  variables: readonly TemplateVariable[],
  values: TemplateValueInput = {},
): TemplateValues {
  const declared = new Set(variables.map((variable) => variable.name));
  const unknown = Object.keys(values).filter((name) => !declared.has(name));
  const invalid = Object.entries(values)
    .filter(([, value]) => !['string', 'number', 'boolean'].includes(typeof value))
    .map(([name]) => name);
  const tooLong = Object.entries(values)
    .filter(([, value]) => String(value).length > TEMPLATE_LIMITS.maxValueLength)
    .map(([name]) => name);
  const resolved: TemplateValues = {};
  const missing: string[] = [];

  for (const variable of variables) {
    const given = values[variable.name];
    const text = given === undefined || given === null || invalid.includes(variable.name) ? undefined : String(given);
    const value = text !== undefined && text.trim() !== '' ? text : variable.default;
    if (value === undefined || value.trim() === '') {
      if (variable.required && !invalid.includes(variable.name)) missing.push(variable.name);
      resolved[variable.name] = '';
    } else {
      resolved[variable.name] = value;
    }
  }

  const messages: string[] = [];
  const problems: { field: string; problems: string[] }[] = [];
  const report = (names: string[], sentence: string, problem: (name: string) => string) => {
    if (names.length === 0) return;
    messages.push(`${sentence}: ${names.join(', ')}`);
    problems.push(...names.map((name) => ({ field: `variables.${name}`, problems: [problem(name)] })));
  };
  report(missing, `missing required variable${missing.length === 1 ? '' : 's'}`, (name) => `${name} is required`);
  report(
    unknown,
    'unknown variables (not declared by the template)',
    (name) => `${name} is not a variable of this template`,
  );
  report(invalid, 'values must be text, numbers or booleans', (name) => `${name} must be text`);
  report(tooLong, `values longer than ${TEMPLATE_LIMITS.maxValueLength} characters`, (name) => `${name} is too long`);
  if (messages.length > 0) throw new ValidationError(`Cannot render the template: ${messages.join('; ')}`, problems);
  return resolved;
}

/**
 * Replaces every placeholder with its value in a single pass, so inserted text is never re-scanned.
 * Placeholders without a value (cannot happen after resolveTemplateValues) are left as they are.
 */
export function renderPlaceholders(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (placeholder, name: string) =>
    Object.hasOwn(values, name) ? values[name] : placeholder,
  );
}

export interface RenderedPrompt {
  prompt: string;
  negativePrompt: string | null;
  values: TemplateValues;
}

/** Renders a template's prompt (and negative prompt) with the caller's values; 400 on missing/unknown/oversized. */
export function renderTemplatePrompt(
  template: { prompt: string; negativePrompt?: string | null; variables: readonly TemplateVariable[] },
  values: TemplateValueInput = {},
): RenderedPrompt {
  const resolved = resolveTemplateValues(template.variables, values);
  const prompt = renderPlaceholders(template.prompt, resolved);
  const negativePrompt = template.negativePrompt ? renderPlaceholders(template.negativePrompt, resolved) : null;
  if (prompt.length + (negativePrompt?.length ?? 0) > TEMPLATE_LIMITS.maxRenderedLength) {
    throw new ValidationError(
      `The rendered prompt is longer than ${TEMPLATE_LIMITS.maxRenderedLength} characters: shorten the variable values`,
      [{ field: 'variables', problems: ['rendered prompt too long'] }],
    );
  }
  return { prompt, negativePrompt, values: resolved };
}

/**
 * Reads the `variables` JSON column. Rows are written only through this module's checks (or by the
 * defaults migration), so anything else is a corrupted row and is skipped rather than trusted.
 */
export function parseStoredVariables(json: unknown): TemplateVariable[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((item: unknown): TemplateVariable[] => {
    if (!item || typeof item !== 'object') return [];
    const { name, description, required, default: fallback } = item as Record<string, unknown>;
    if (typeof name !== 'string') return [];
    return [
      {
        name,
        ...(typeof description === 'string' ? { description } : {}),
        required: required === true,
        ...(typeof fallback === 'string' ? { default: fallback } : {}),
      },
    ];
  });
}
