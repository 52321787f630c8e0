import { CONFIG_GROUPS, ConfigGroup, ConfigVariable } from '../../src/config/config-variable';

/** How to regenerate both documents after changing a declaration. */
export const CONFIG_DOCS_UPDATE_COMMAND =
  'UPDATE_CONFIG_DOCS=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/config';

const ENV_EXAMPLE_HEADER = [
  '# Creative Engine configuration. Copy to .env (npm start reads it) or set these in the environment.',
  '# Every variable the service reads is listed with its default; commented lines are optional and unset by default.',
  '# The service validates all of them at start-up and exits naming every missing or invalid one.',
  `# Generated from src/config/engine-variables.ts: ${CONFIG_DOCS_UPDATE_COMMAND}`,
];

function byGroup(variables: readonly ConfigVariable[]): [ConfigGroup, ConfigVariable[]][] {
  return (Object.keys(CONFIG_GROUPS) as ConfigGroup[])
    .map((group): [ConfigGroup, ConfigVariable[]] => [group, variables.filter((variable) => variable.group === group)])
    .filter(([, members]) => members.length > 0);
}

function envLine(variable: ConfigVariable): string {
  const value = variable.example ?? (variable.default === undefined ? undefined : String(variable.default));
  return value === undefined ? `# ${variable.name}=` : `${variable.name}=${value}`;
}

/** `.env.example`: each group's variables with their description and default (optional ones commented out). */
export function renderEnvExample(variables: readonly ConfigVariable[]): string {
  const groups = byGroup(variables).map(([group, members]) =>
    [
      `# --- ${CONFIG_GROUPS[group]} ---`,
      ...members.flatMap((variable) => [`# ${variable.description}`, envLine(variable)]),
    ].join('\n'),
  );
  return `${[ENV_EXAMPLE_HEADER.join('\n'), ...groups].join('\n\n')}\n`;
}

export const README_TABLE_HEADER = '| variable | default | meaning |';

/** The README's configuration table, one row per variable in the order of `.env.example`. */
export function renderReadmeTable(variables: readonly ConfigVariable[]): string {
  const rows = byGroup(variables).flatMap(([, members]) =>
    members.map((variable) => {
      const value = variable.default === undefined ? '—' : `\`${String(variable.default)}\``;
      return `| \`${variable.name}\` | ${value} | ${variable.description.replaceAll('|', '\\|')} |`;
    }),
  );
  return [README_TABLE_HEADER, '|---|---|---|', ...rows].join('\n');
}

/** The README with its configuration table (from the header to the first blank line) replaced by `table`. */
export function replaceReadmeTable(readme: string, table: string): string {
  const start = readme.indexOf(README_TABLE_HEADER);
  if (start < 0) throw new Error(`README has no configuration table (${README_TABLE_HEADER})`);
  const end = readme.indexOf('\n\n', start);
  return readme.slice(0, start) + table + (end < 0 ? '\n' : readme.slice(end));
}
