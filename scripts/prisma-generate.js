// Runs `prisma generate` on install. The Prisma CLI wants its native schema engine even for generate,
// which it downloads on first use; offline machines cannot. Generate never runs the engine, so where no
// engine is installed we point PRISMA_SCHEMA_ENGINE_BINARY at an existing file (README: "Offline Prisma").
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const enginesDir = path.join(__dirname, '..', 'node_modules', '@prisma', 'engines');
  const hasEngine =
    fs.existsSync(enginesDir) && fs.readdirSync(enginesDir).some((name) => name.startsWith('schema-engine'));
  if (!hasEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
}
const prismaCli = require.resolve('prisma/build/index.js');
execFileSync(process.execPath, [prismaCli, 'generate'], { stdio: 'inherit', env });
