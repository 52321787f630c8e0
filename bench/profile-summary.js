'use strict';

/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by package (or project
 * directory) and the hottest functions. Usage: node bench/profile-summary.js <file.cpuprofile> [top]
 */
const { readFileSync } = require('node:fs');

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const selfMicros = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((nodeId, index) =>
  selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + (deltas[index] ?? 0)),
);
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);

function ownerOf(url) {
  if (!url) return '(native/V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const project = /\/(dist|src)\/(.+?)\/[^/]+$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

const byOwner = new Map();
const byFunction = new Map();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (!micros) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const owner = ownerOf(url);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
  const key = `${functionName || '(anonymous)'} ${owner}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
}

const print = (title, entries) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('Self time by package / directory', byOwner);
print('Hottest functions (self time)', byFunction);
