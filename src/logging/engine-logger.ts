import type { DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Level } from 'pino';
import type { Options } from 'pino-http';
import pinoPretty from 'pino-pretty';
import type { EngineConfig, LogLevelName } from '../config/engine-config';
import { currentJobLogContext } from './log-context';

/** The response header (and the header a caller may send) that names a request in the logs. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming request id is honoured only when it is short and plain, so it can neither forge log lines nor bloat them. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

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

/** The caller's X-Request-Id when it is sane, else a new UUID; echoed on the response either way. */
export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export function pinoHttpOptions(config: EngineConfig): Options {
  return {
    level: PINO_LEVELS[config.logLevel],
    genReqId: requestIdFor,
    // Lines logged while handling a request carry its id, not the whole request again.
    quietReqLogger: true,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line written while a queued job runs names the job (src/jobs/generation-job.processor.ts).
    mixin: () => ({ ...currentJobLogContext() }),
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      // Query strings are left out: a signed link's signature is a credential.
      req: (request: { id: unknown; method: string; url: string }) => ({
        id: request.id,
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
  return LoggerModule.forRoot({ pinoHttp: stream ? [pinoHttpOptions(config), stream] : pinoHttpOptions(config) });
}
