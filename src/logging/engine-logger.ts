import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream, Level } from 'pino';
import type { Options } from 'pino-http';
import pinoPretty from 'pino-pretty';
import type { EngineConfig, LogLevelName } from '../config/engine-config';
import { currentLogContext } from './log-context';
import { RequestLoggingMiddleware } from './request-logging.middleware';

const PINO_LEVELS: Record<LogLevelName, Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Credentials that must never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.apiKey',
  '*.token',
  '*.secret',
  '*.password',
];

export function pinoHttpOptions(config: EngineConfig): Options {
  return {
    level: PINO_LEVELS[config.logLevel],
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line written while a queued job runs names the job (src/jobs/generation-job.processor.ts), and every
    // line written while a request is handled names the request (RequestLoggingMiddleware).
    mixin: () => ({ ...currentLogContext() }),
    serializers: {
      // Query strings are left out: a signed link's signature is a credential.
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        path: request.url.split('?')[0],
      }),
    },
  };
}

/**
 * Structured JSON logs for the standalone service and its workers (nestjs-pino, whose Logger replaces Nest's,
 * so every `new Logger(context)` of the engine writes through it): one line per request with its id, job id
 * and kind on worker lines, credentials redacted; human-readable lines when stdout is a terminal.
 * `destination` replaces stdout (tests).
 */
export function engineLoggerModule(config: EngineConfig, destination?: DestinationStream): DynamicModule {
  const stream = destination ?? (process.stdout.isTTY ? pinoPretty({ colorize: true, sync: true }) : undefined);
  const pinoHttp: Params['pinoHttp'] = stream ? [pinoHttpOptions(config), stream] : pinoHttpOptions(config);
  // No routes for nestjs-pino's own request middleware: RequestLoggingMiddleware logs the requests.
  return { module: EngineLoggingModule, imports: [LoggerModule.forRoot({ pinoHttp, forRoutes: [] })] };
}

@Module({ providers: [RequestLoggingMiddleware] })
class EngineLoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggingMiddleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
