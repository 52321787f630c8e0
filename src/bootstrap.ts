import { INestApplication, INestApplicationContext, Logger, ShutdownSignal } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { EngineExceptionFilter } from './common/exception.filter';
import { closeRequestSchemas, documentValidationRules } from './common/openapi-rules';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { EngineConfig } from './config/engine-config';
import { EngineMetrics } from './metrics/engine-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Creative Engine')
    .setDescription(
      'AI image and text generation with a per-user asset library. All /api/creative routes need a bearer token.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const schemaRules = documentValidationRules(app);
  const document = SwaggerModule.createDocument(app, options);
  closeRequestSchemas(document, schemaRules);
  return document;
}

/**
 * What the standalone service adds around the module: body limits, the error shape for requests that
 * never reach an engine controller (unknown routes, oversized or unparsable bodies), Swagger, shutdown hooks.
 */
export function configureApp(app: NestExpressApplication, config: EngineConfig): void {
  app.use(httpMetricsMiddleware(app.get(EngineMetrics)));
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  app.useGlobalFilters(new EngineExceptionFilter());
  // SIGTERM/SIGINT: requests and running jobs finish (GenerationJobProcessor drains), then exit 0.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  app.disable('x-powered-by');
  // API answers are per-user and rarely repeated verbatim: hashing every body for a weak ETag cost CPU on
  // each request (bench/RESULTS.md) and saved no bytes, since no client sends If-None-Match.
  app.set('etag', false);
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

export async function createApp(config: EngineConfig, options: AppModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config, options), {
    bodyParser: false,
    bufferLogs: true,
  });
  useEngineLogger(app);
  configureApp(app, config);
  return app;
}

/** Nest's own lines and every `new Logger(context)` of the engine go through pino from here on (src/logging/engine-logger.ts). */
export function useEngineLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(PinoNestLogger));
}

/**
 * For the entry points (main.ts, worker.ts): one log line when a shutdown signal arrives, saying what is
 * being waited for, and one when the process exits after it. The shutdown itself is Nest's
 * (enableShutdownHooks with useProcessExit): the lifecycle hooks run (GenerationJobProcessor drains its
 * jobs, HTTP stops, PrismaService disconnects), then process.exit(0), or exit code 1 after a failed hook.
 * Only call it where enableShutdownHooks is on: a listener of its own would otherwise keep the signal from
 * ending the process.
 */
export function logShutdownSignals(logger: Logger, waitingFor: string): void {
  const signals = Object.values(ShutdownSignal);
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const name of signals) process.removeListener(name, onSignal);
    logger.log(`Received ${signal}: ${waitingFor}, then exiting`);
    // Bull leaves a promise of its own unhandled when its Redis client closes before it was ready (a signal
    // right after start): while shutting down, such a leftover is logged instead of turning exit 0 into 1.
    process.on('unhandledRejection', (reason) =>
      logger.warn(`Ignored during shutdown: ${reason instanceof Error ? reason.message : String(reason)}`),
    );
    const received = Date.now();
    process.once('exit', (code) => {
      if (code === 0) logger.log(`Shutdown complete after ${Date.now() - received} ms; exiting with code 0`);
      else logger.error(`Shutdown after ${signal} failed; exiting with code ${code}`);
    });
  };
  for (const signal of signals) process.on(signal, onSignal);
}

export function logStartupFailure(error: unknown): never {
  new Logger('CreativeEngine').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
