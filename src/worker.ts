import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loggerLevels, logShutdownSignals, logStartupFailure } from './bootstrap';
import { loadConfig } from './config/engine-config';

/** Queue consumers only, no HTTP: run as many of these as Redis and PostgreSQL serve. */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, WORKER_ENABLED: 'true' });
  const app = await NestFactory.createApplicationContext(AppModule.forConfig(config), { logger: loggerLevels(config) });
  // SIGTERM/SIGINT: the running jobs finish (GenerationJobProcessor drains), then exit 0 rather than re-raising the signal.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  const logger = new Logger('CreativeEngineWorker');
  logShutdownSignals(logger, 'finishing running jobs');
  logger.log(`Worker started (concurrency ${config.worker.concurrency})`);
}

main().catch(logStartupFailure);
