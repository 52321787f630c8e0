'use strict';

const autocannon = require('autocannon');

/**
 * Loads one route of one server for a fixed time with autocannon. `nextPath()` gives each request its own
 * path (rotating ids or search terms), so neither server answers the same row over and over. The response times
 * come back as they are (`latenciesMs`, each connection's first left out), so that every percentile of the bench,
 * of one block or of several, is taken by one rule.
 */
function runLoad({ baseUrl, method, nextPath, headers, connections, durationSeconds }) {
  return new Promise((resolve, reject) => {
    const latenciesMs = [];
    const instance = autocannon(
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
          requests: result.requests.total,
          failures: result.non2xx + result.errors + result.timeouts,
          latenciesMs,
        });
      },
    );
    // A connection's first response waits for the connection itself: in blocks of a few seconds, the 32 of each
    // block would make up the slowest percent, which one long load never showed.
    const connected = new Set();
    instance.on('response', (client, _statusCode, _bytes, responseTimeMs) => {
      if (connected.has(client)) latenciesMs.push(responseTimeMs);
      else connected.add(client);
    });
  });
}

/**
 * `rounds` blocks of `measure(server)` for each server, taken in turns, the order reversed every other round, so
 * that a drift of a shared machine's speed falls on every server alike. Returns each server's blocks, in the order
 * of `servers`.
 */
async function inTurns(servers, rounds, measure) {
  const blocks = servers.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) blocks[servers.indexOf(server)].push(await measure(server));
  }
  return blocks;
}

module.exports = { inTurns, runLoad };
