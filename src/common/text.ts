/** The text on one line (whitespace runs collapsed), cut to `length` characters with an ellipsis when longer. */
export function truncate(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= length ? line : `${line.slice(0, length - 1)}…`;
}
