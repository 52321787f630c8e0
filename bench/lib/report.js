'use strict';

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const verdict = (met) => (met ? 'met' : '**not met**');
/** CPU ms per job by kind of thread, largest first, leaving out kinds under 0.01 ms. */
const byThread = (perKind) =>
  Object.entries(perKind)
    .filter(([, ms]) => ms >= 0.01)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, ms]) => `${kind} ${fixed(ms, 2)}`)
    .join(', ') + ' ms';

/** The median of `values`: the middle one, or the mean of the middle two. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The `fraction` percentile of `values` (nearest rank). */
function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/**
 * One server's blocks of a route as one measurement: the median block's throughput and CPU time per request,
 * and the latency percentiles over every response of every block.
 */
function combineBlocks(blocks) {
  const latencies = blocks.flatMap((block) => block.latenciesMs);
  const latencyMs = (fraction) => Math.round(percentile(latencies, fraction) * 10) / 10;
  const total = (field) => blocks.reduce((sum, block) => sum + block[field], 0);
  return {
    requestsPerSecond: median(blocks.map((block) => block.requestsPerSecond)),
    cpuMsPerRequest: median(blocks.map((block) => block.cpuMsPerRequest)),
    p50Ms: latencyMs(0.5),
    p99Ms: latencyMs(0.99),
    requests: total('requests'),
    failures: total('failures'),
  };
}

/** CPU time per job of each process, by name: "service 1.20 + worker 12.10 ms". */
const byProcess = (perProcess) =>
  `${Object.entries(perProcess)
    .map(([name, ms]) => `${name} ${fixed(ms, 2)}`)
    .join(' + ')} ms`;

/** The typical job of each side (lib/job-timeline.js) as one table per side. */
function formatTimeline({ pipeline, minimalWorker }) {
  const side = (name, { jobs, jobMs, meanJobMs, steps }) => [
    `Job timeline, ${name}: of ${jobs} jobs in the throughput blocks, from Bull's hand-over to its completing script's ` +
      `answer, the median took ${fixed(jobMs, 2)} ms and the mean ${fixed(meanJobMs, 2)} ms; the median job's operations ` +
      '(recorded with --job-timeline, whose tracing costs CPU of its own):',
    '',
    '| operation | starts at ms | takes ms |',
    '|---|---:|---:|',
    ...steps.map(
      (step) =>
        `| ${step.operation.replace(/\|/g, '\\|')} | ${fixed(step.startMs, 2)} | ${fixed(step.durationMs, 2)} |`,
    ),
    '',
  ];
  return [...side('pipeline', pipeline), ...side('minimal worker', minimalWorker)];
}

/** The run as Markdown: the per-route table, the queue figures and each target of issue #6, met or not. */
function formatReport(report) {
  const lines = [
    `Run of ${report.startedAt.toISOString()} — ${report.assets} assets; ${report.args.connections} connections, ` +
      `${report.args.duration} s per route and server in ${report.args.rounds} blocks taken in turns, after ${report.args.warmup} s warm-up; ` +
      `${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGb} GB, Node ${report.machine.node}`,
    '',
  ];
  const targets = [];

  if (report.rows) {
    // The framework floor (bench/nest-floor-server.js), when it ran: bare Nest on Express running the same code.
    const withFloor = report.rows.some((row) => row.floor);
    lines.push(
      '| route | service req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | service/baseline |' +
        (withFloor ? ' Nest floor req/s | floor/baseline | service/floor |' : '') +
        ` CPU ms/req service / ${withFloor ? 'floor / ' : ''}baseline |`,
      `|---|---:|---:|---:|---:|---:|---:|---:|${withFloor ? '---:|---:|---:|' : ''}---:|`,
    );
    for (const { route, kind, service, floor, baseline } of report.rows) {
      const ratio = service.requestsPerSecond / baseline.requestsPerSecond;
      const measured = [
        ['service', service],
        ['floor', floor],
        ['baseline', baseline],
      ].filter(([, server]) => server);
      const failed = measured.filter(([, server]) => server.failures > 0);
      const failures = failed.length
        ? ` (failed: ${failed.map(([name, server]) => `${name} ${server.failures}`).join(', ')})`
        : '';
      const floorColumns = floor
        ? ` ${fixed(floor.requestsPerSecond)} | ${fixed(floor.requestsPerSecond / baseline.requestsPerSecond, 2)} | ` +
          `${fixed(service.requestsPerSecond / floor.requestsPerSecond, 2)} |`
        : '';
      lines.push(
        `| ${route}${failures} | ${fixed(service.requestsPerSecond)} | ${service.p50Ms} | ${service.p99Ms} | ` +
          `${fixed(baseline.requestsPerSecond)} | ${baseline.p50Ms} | ${baseline.p99Ms} | ${fixed(ratio, 2)} |${floorColumns} ` +
          `${measured.map(([, server]) => fixed(server.cpuMsPerRequest, 2)).join(' / ')} |`,
      );
      if (kind === 'list' || kind === 'get') {
        targets.push([`${route}: ≥ 0.7× baseline req/s`, fixed(ratio, 2), ratio >= 0.7]);
        targets.push([`${route}: p99 < 50 ms`, `${service.p99Ms} ms`, service.p99Ms < 50]);
      }
      if (kind === 'search')
        targets.push([`${route}: p99 < 100 ms (target set at 1M assets)`, `${service.p99Ms} ms`, service.p99Ms < 100]);
      if (kind === 'stats')
        targets.push([`${route}: p99 < 20 ms (target set at 1M assets)`, `${service.p99Ms} ms`, service.p99Ms < 20]);
    }
    lines.push('');
    targets.push([
      'Service RSS under load < 300 MB (peak)',
      `${fixed(report.peakRssMb)} MB (at start ${fixed(report.startRssMb)} MB)`,
      report.peakRssMb < 300,
    ]);
  }

  if (report.queue) {
    const { pipeline, minimalWorker, latency, rounds, workerProcess } = report.queue;
    const ratio = pipeline.jobsPerSecond / minimalWorker.jobsPerSecond;
    const blocks = (side) => side.blocksJobsPerSecond.map((value) => fixed(value, 1)).join(', ');
    lines.push(
      `Queue, in ${rounds} blocks each taken in turns (median block): pipeline ` +
        `(${workerProcess ? 'API and a separate worker process, --worker-process' : 'API and worker in one process'}) ${fixed(pipeline.jobsPerSecond, 1)} jobs/s ` +
        `(${pipeline.jobs} jobs, ${pipeline.failed} failed, ${pipeline.assets} assets stored; blocks ${blocks(pipeline)}) ` +
        `vs a minimal bare-Bull worker doing the same work ${fixed(minimalWorker.jobsPerSecond, 1)} jobs/s (${minimalWorker.jobs} jobs; blocks ${blocks(minimalWorker)}), ` +
        `ratio ${fixed(ratio, 3)}, both at worker concurrency ${minimalWorker.concurrency}. ` +
        `CPU per job: service ${fixed(pipeline.cpuMsPerJob, 2)} ms (the HTTP request included${workerProcess ? `; ${byProcess(pipeline.cpuMsPerJobByProcess)}` : ''}), minimal worker ${fixed(minimalWorker.cpuMsPerJob, 2)} ms; ` +
        `by thread, service: ${byThread(pipeline.cpuMsPerJobByThread)}; minimal worker: ${byThread(minimalWorker.cpuMsPerJobByThread)}.`,
      `Latency over ${latency.jobs} sequential jobs: end to end p50 ${fixed(latency.endToEnd.p50, 1)} ms, p99 ${fixed(latency.endToEnd.p99, 1)} ms; ` +
        `provider alone p50 ${fixed(latency.provider.p50, 1)} ms, p99 ${fixed(latency.provider.p99, 1)} ms; ` +
        `added by the pipeline p50 ${fixed(latency.added.p50, 1)} ms, p99 ${fixed(latency.added.p99, 1)} ms.`,
      '',
    );
    if (report.queue.timeline) lines.push(...formatTimeline(report.queue.timeline));
    targets.push(['Pipeline ≥ 0.7× the minimal worker jobs/s', fixed(ratio, 3), ratio >= 0.7]);
    targets.push([
      'Pipeline added latency p50 < 10 ms',
      `${fixed(latency.added.p50, 1)} ms (p99 ${fixed(latency.added.p99, 1)} ms)`,
      latency.added.p50 < 10,
    ]);
  }

  if (report.burst) {
    const { jobs, imagesPerJob, size, assets, seconds, peakRssMb, lifetimePeakRssMb, imageProcess } = report.burst;
    lines.push(
      `Burst: ${jobs} jobs of ${imagesPerJob} × ${size} submitted at once, ${assets} assets in ${fixed(seconds, 1)} s; ` +
        `${imageProcess} RSS peak ${fixed(peakRssMb)} MB during the burst, ${fixed(lifetimePeakRssMb)} MB over the whole run (VmHWM).`,
      '',
    );
    targets.push([
      `Peak RSS of the ${imageProcess} < 300 MB through the bench and a burst of large jobs`,
      `${fixed(lifetimePeakRssMb)} MB`,
      lifetimePeakRssMb < 300,
    ]);
  }

  if (report.explain) {
    lines.push('| EXPLAIN | execution ms per statement | seq scan on creative_assets |', '|---|---|---|');
    for (const { name, seqScan, executionMs } of report.explain)
      lines.push(`| ${name} | ${executionMs.map((ms) => fixed(ms, 1)).join(' + ')} | ${seqScan ? '**yes**' : 'no'} |`);
    lines.push('');
    targets.push([
      'Every list/search/stats plan uses an index (no Seq Scan on creative_assets)',
      '',
      report.explain.every((entry) => !entry.seqScan),
    ]);
  }

  lines.push(
    '| target | measured | verdict |',
    '|---|---|---|',
    ...targets.map(([target, measured, met]) => `| ${target} | ${measured} | ${verdict(met)} |`),
  );
  return `${lines.join('\n')}\n`;
}

module.exports = { combineBlocks, formatReport, median, percentile };
