import type { ModelCatalogueEntry } from '../../src/providers/catalogue/model-catalogue';

export const MODEL_TABLE_HEADER = '| model | kinds | provider | status | successor |';

/** The README's model table, one row per catalogue entry. */
export function renderModelTable(catalogue: readonly ModelCatalogueEntry[]): string {
  const rows = catalogue.map((entry) => {
    const status = entry.shutdownDate ? `${entry.status} (${entry.shutdownDate})` : entry.status;
    return `| \`${entry.id}\` | ${entry.kinds.join(', ')} | ${entry.provider} | ${status} | ${entry.successor ? `\`${entry.successor}\`` : '—'} |`;
  });
  return [MODEL_TABLE_HEADER, '|---|---|---|---|---|', ...rows].join('\n');
}

/** The README with its model table (from the header to the first blank line) replaced by `table`. */
export function replaceModelTable(readme: string, table: string): string {
  const start = readme.indexOf(MODEL_TABLE_HEADER);
  if (start < 0) throw new Error(`README has no model table (${MODEL_TABLE_HEADER})`);
  const end = readme.indexOf('\n\n', start);
  return readme.slice(0, start) + table + (end < 0 ? '\n' : readme.slice(end));
}
