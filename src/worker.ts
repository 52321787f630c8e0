import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { logShutdownSignals, logStartupFailure, useEngineLogger } from './bootstrap';
import { loadConfig } from './config/engine-config';
import { startMetricsListener } from './metrics/metrics-listener';
import { MetricsService } from './metrics/metrics.service';

/** Queue consumers only, no HTTP: run as many of these as Redis and PostgreSQL serve. */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, WORKER_ENABLED: 'true' });
  const app = await NestFactory.createApplicationContext(AppModule.forConfig(config), { bufferLogs: true });
  useEngineLogger(app);
  // SIGTERM/SIGINT: the running jobs finish (GenerationJobProcessor drains), then exit 0 rather than re-raising the signal.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const logger = new Logger('CreativeEngineWorker');
  logShutdownSignals(logger, 'finishing running jobs');
  const { metricsPort } = config.operations;
  if (metricsPort !== undefined) {
    // Each worker keeps its own counters, so each is scraped on its own port; the process exit closes it.
    await startMetricsListener(app.get(MetricsService), metricsPort, config.host);
    logger.log(`Metrics on http://${config.host}:${metricsPort}/metrics`);
  }
  logger.log(`Worker started (concurrency ${config.worker.concurrency})`);
}

main().catch(logStartupFailure);
