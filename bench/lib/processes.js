'use strict';

const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A server started as its own process (the service or the baseline) on 127.0.0.1, with the same Node as
 * this runner. Its stderr is kept for the error message when it dies; stdout is dropped. `root` is the checkout
 * whose `script` runs (this one unless another build is compared, bench/compare-builds.js). Ready once `readyPath`
 * answers 2xx (a worker answers on its metrics port).
 */
async function startServer({ name, script, port, env, nodeArgs = [], root = ROOT, readyPath = '/health' }) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 200, null))]);
    if (early) throw new Error(`${name} exited during start-up (${JSON.stringify(early)}):\n${stderr}`);
    const ready = await fetch(`${baseUrl}${readyPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${name} did not answer ${readyPath} within 60 s:\n${stderr}`);
  }
  return {
    name,
    pid: child.pid,
    baseUrl,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmRSS and VmHWM (peak resident set since start) of a process, in MB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rssMb: field('VmRSS'), peakRssMb: field('VmHWM') };
}

/** CPU time (user + system) a process has used so far, in ms: per-request cost that holds on a busy machine. */
function cpuTimeMsOf(pid) {
  return cpuMsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** utime + stime of a /proc stat line, in ms. */
function cpuMsOfStat(stat) {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ, 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The threads of a Node process that does image work, by the name each gives itself. */
const THREAD_KINDS = [
  ['main', /^MainThread$/],
  ['libuv pool', /^libuv-worker$/],
  ['libvips', /^libvips/],
  ['V8 helpers (GC, compiler)', /^V8Worker$/],
];

/**
 * CPU time a process has used so far by kind of thread (THREAD_KINDS, else "other"), in ms, and `total`, the
 * process's own figure, which also holds the threads that have ended.
 */
function threadCpuMsOf(pid) {
  const byKind = { total: cpuTimeMsOf(pid) };
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const kind = THREAD_KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'other';
    byKind[kind] = (byKind[kind] ?? 0) + cpuMsOfStat(stat);
  }
  return byKind;
}

/** threadCpuMsOf readings of several processes (an API and its worker) added up, kind by kind. */
function sumThreadCpuMs(readings) {
  const sum = {};
  for (const reading of readings) {
    for (const [kind, ms] of Object.entries(reading)) sum[kind] = (sum[kind] ?? 0) + ms;
  }
  return sum;
}

/**
 * Per unit of work (a job) between two threadCpuMsOf readings, by kind of thread; what the threads alive at the
 * end do not account for (threads that ended in between) is "ended threads".
 */
function threadCpuMsPer(before, after, units) {
  const per = {};
  let accounted = 0;
  for (const kind of Object.keys(after)) {
    if (kind === 'total') continue;
    const used = after[kind] - (before[kind] ?? 0);
    accounted += used;
    per[kind] = used / units;
  }
  const ended = after.total - before.total - accounted;
  if (ended > 0) per['ended threads'] = ended / units;
  return per;
}

module.exports = { startServer, memoryOf, cpuTimeMsOf, threadCpuMsOf, sumThreadCpuMs, threadCpuMsPer, ROOT };
