'use strict';

const autocannon = require('autocannon');

/**
 * Loads one route of one server for a fixed time with autocannon. `nextPath()` gives each request its own
 * path (rotating ids or search terms), so neither server answers the same row over and over.
 */
function runLoad({ baseUrl, method, nextPath, headers, connections, durationSeconds }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: baseUrl,
        connections,
        duration: durationSeconds,
        headers,
        requests: [{ method, setupRequest: (request) => ({ ...request, path: nextPath() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests: result.requests.total,
          failures: result.non2xx + result.errors + result.timeouts,
        });
      },
    );
  });
}

module.exports = { runLoad };
