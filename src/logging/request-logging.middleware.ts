import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import type { Level, Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithRequestLogContext } from './log-context';

/** The response header (and the header a caller may send) that names a request in the logs. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming request id is honoured only when it is short and plain, so it can neither forge log lines nor bloat them. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new UUID; echoed on the response either way. */
export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * Names each request (X-Request-Id, the caller's when sane) and writes its one line when it ends: at info, warn for a
 * 4xx, error for a 5xx. Lines written while the request is handled carry its `reqId` through the log context, which
 * the logger's mixin reads, so no logger is made per request. nestjs-pino's own middleware (pino-http) made two child
 * loggers per request and serialized the request into them even when the level left its line out.
 */
@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  private readonly logger: Logger;

  constructor(pino: PinoLogger) {
    this.logger = pino.logger;
  }

  use(request: Request, response: Response, next: () => void): void {
    const reqId = requestIdFor(request, response);
    const started = Date.now();
    const onEnd = (): void => {
      response.off('finish', onEnd);
      response.off('close', onEnd);
      const level = levelOf(response.statusCode);
      if (!this.logger.isLevelEnabled(level)) return;
      const completed = response.writableFinished;
      this.logger[level](
        { reqId, req: request, res: response, responseTime: Date.now() - started },
        completed ? 'request completed' : 'request aborted',
      );
    };
    response.on('finish', onEnd);
    response.on('close', onEnd);
    runWithRequestLogContext({ reqId }, next);
  }
}

function levelOf(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}
