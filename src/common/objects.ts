/** A copy without the keys whose value is undefined, so spreading it never overwrites a default with undefined. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
