'use strict';

const { readFileSync } = require('node:fs');
const path = require('node:path');
const { median } = require('./report');

/** The recorder to preload into a process whose jobs are traced (`--job-timeline`). */
const RECORDER = path.join(__dirname, '..', 'job-timeline-recorder.js');

/** The jobs of `queue` the process `pid` recorded in `dir`. */
function readTimeline(dir, pid, queue) {
  const jobs = JSON.parse(readFileSync(path.join(dir, `${pid}.json`), 'utf8'));
  return jobs.filter((job) => job.queue === queue && job.endMs !== undefined);
}

/**
 * The typical job among those started inside `windows` ({ from, to } epoch ms): for each operation (the nth call of
 * a label is an operation of its own), the median start and duration over the jobs that made it, in start order;
 * operations fewer than half of the jobs made are left out. With the median and the mean whole job, from Bull's
 * hand-over to its completing script's answer (throughput follows the mean: worker concurrency / mean job).
 */
function typicalJob(jobs, windows) {
  const chosen = jobs.filter((job) => windows.some(({ from, to }) => job.startedAt >= from && job.startedAt <= to));
  const operations = new Map();
  for (const job of chosen) {
    const calls = new Map();
    for (const [label, startMs, endMs] of job.operations) {
      const nth = (calls.get(label) ?? 0) + 1;
      calls.set(label, nth);
      const key = nth > 1 ? `${label} (${nth})` : label;
      const operation = operations.get(key) ?? { starts: [], durations: [] };
      operation.starts.push(startMs);
      operation.durations.push(endMs - startMs);
      operations.set(key, operation);
    }
  }
  const steps = [...operations]
    .filter(([, operation]) => operation.starts.length >= chosen.length / 2)
    .map(([operation, { starts, durations }]) => ({
      operation,
      startMs: median(starts),
      durationMs: median(durations),
    }))
    .sort((a, b) => a.startMs - b.startMs);
  const jobMs = chosen.map((job) => job.endMs);
  const meanJobMs = jobMs.reduce((sum, ms) => sum + ms, 0) / jobMs.length;
  return { jobs: chosen.length, jobMs: median(jobMs), meanJobMs, steps };
}

module.exports = { RECORDER, readTimeline, typicalJob };
