/** A copy without the keys whose value is undefined, so spreading it never overwrites a default with undefined. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/**
 * The fields of free-form JSON (a template's or an earlier asset's `parameters`) that have the type asked
 * for, each kept only then; anything else, and JSON that is not an object, gives nothing.
 */
export function pickTypedFields(
  json: unknown,
  fields: { strings?: readonly string[]; numbers?: readonly string[] },
): Record<string, string | number> {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  const source = json as Record<string, unknown>;
  const picked: Record<string, string | number> = {};
  for (const key of fields.strings ?? []) if (typeof source[key] === 'string') picked[key] = source[key];
  for (const key of fields.numbers ?? [])
    if (typeof source[key] === 'number' && Number.isFinite(source[key])) picked[key] = source[key];
  return picked;
}
