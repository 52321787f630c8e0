import { createServer, Server } from 'node:http';
import { once } from 'node:events';
import { EngineExceptionFilter } from '../common/exception.filter';
import { NotFoundError } from '../common/errors';
import type { MetricsService } from './metrics.service';

/**
 * The worker's own GET /metrics (src/worker.ts, when METRICS_PORT is set): a worker has no HTTP app, and
 * each worker process must be scraped on its own since its counters live in its memory. Same token rule and
 * error shape as the API's route.
 */
export async function startMetricsListener(metrics: MetricsService, port: number, host: string): Promise<Server> {
  const errors = new EngineExceptionFilter();
  const server = createServer((request, response) => {
    const answer = async () => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        throw new NotFoundError(`Route ${request.method} ${request.url?.split('?')[0]}`);
      }
      const scrape = await metrics.scrape(request.headers.authorization);
      response.writeHead(200, { 'Content-Type': scrape.contentType, 'Cache-Control': 'no-store' }).end(scrape.body);
    };
    answer().catch((error: unknown) => {
      const body = errors.toBody(error);
      response.writeHead(body.statusCode, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
