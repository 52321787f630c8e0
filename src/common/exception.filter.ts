import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { Prisma } from '../generated/prisma/client';
import { UNAVAILABLE_SQLSTATE } from '../prisma/direct-sql';
import { DomainError, ERROR_STATUS, ErrorCode, type FieldProblem, RateLimitedError } from './errors';
import type { ErrorResponseDto } from './error-response.dto';
import { JSON_CONTENT_TYPE } from './json-body';

const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = Object.fromEntries(
  // Where several codes share a status, the last declared (the generic one) names it.
  (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).map(([code, status]) => [status, code]),
);

/** Prisma's codes for a database it cannot reach or that closed the connection. */
const UNREACHABLE_DATABASE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);

/** A failure of the database itself (restart, killed connection, too many clients), not of the request: retryable, so 503. */
function isDatabaseUnavailable(error: Prisma.PrismaClientKnownRequestError): boolean {
  if (UNREACHABLE_DATABASE_CODES.has(error.code)) return true;
  const sqlState = (error.meta as { driverAdapterError?: { cause?: { code?: unknown } } } | undefined)
    ?.driverAdapterError?.cause?.code;
  return typeof sqlState === 'string' && UNAVAILABLE_SQLSTATE.test(sqlState);
}

/** The connection closed before the client had sent its whole request. */
const clientWentAway = (request: Request): boolean => request.destroyed && !request.complete;

/**
 * The one place that turns an error into the contract's JSON error shape:
 * `{ success: false, statusCode, error, message, details? }`. Anything unexpected becomes a 500 with an
 * error id that is logged with its cause; no stack trace ever reaches the body.
 */
@Catch()
export class EngineExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('CreativeEngine');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.respond(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /**
   * The error answer of `exception`, also for Express middleware outside Nest's routing (the queue dashboard's
   * gate). The body keeps the contract's exact shape; the request's id travels in the X-Request-Id header.
   */
  respond(exception: unknown, request: Request, response: Response): void {
    if (clientWentAway(request)) {
      // An upload interrupted by its client, say: nobody is left to answer, and the server did nothing wrong.
      this.logger.warn(`${request.method} ${request.originalUrl}: the client closed the connection mid-request`);
      return;
    }
    const body = this.toBody(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    // A route that had set another type (GET /metrics: text/plain) still answers its error as JSON.
    response.setHeader('Content-Type', JSON_CONTENT_TYPE);
    if (exception instanceof RateLimitedError && exception.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorResponseDto {
    if (exception instanceof DomainError) {
      return this.shape(ERROR_STATUS[exception.code], exception.code, exception.message, exception.details);
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (exception instanceof Prisma.PrismaClientKnownRequestError) {
      const mapped = this.fromPrismaError(exception);
      if (mapped) return mapped;
    }
    const errorId = randomUUID();
    this.logger.error(`Unexpected error ${errorId}`, exception instanceof Error ? exception.stack : String(exception));
    return { ...this.shape(500, 'INTERNAL_ERROR', `An unexpected error occurred (error id ${errorId})`), errorId };
  }

  private fromHttpException(exception: HttpException): ErrorResponseDto {
    const status = exception.getStatus();
    const code = HTTP_STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    const payload = exception.getResponse();
    const raw = typeof payload === 'object' && payload !== null ? (payload as { message?: unknown }).message : payload;
    const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
    if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
      return this.shape(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the configured limit');
    }
    if (status === HttpStatus.NOT_FOUND && /^Cannot [A-Z]+ /.test(message)) {
      return this.shape(404, 'NOT_FOUND', `No route ${message.replace(/^Cannot /, '')}`);
    }
    return this.shape(status, code, message);
  }

  private fromPrismaError(error: Prisma.PrismaClientKnownRequestError): ErrorResponseDto | undefined {
    switch (error.code) {
      case 'P2025':
        return this.shape(404, 'NOT_FOUND', 'The requested record was not found');
      case 'P2002':
        return this.shape(409, 'CONFLICT', 'A record with the same unique values already exists');
      case 'P2003':
        return this.shape(
          409,
          'CONFLICT',
          'The operation refers to a record that does not exist or is still referenced',
        );
      default:
        return isDatabaseUnavailable(error)
          ? this.shape(
              503,
              'SERVICE_UNAVAILABLE',
              'The database is unavailable or dropped the connection; try again shortly',
            )
          : undefined;
    }
  }

  private shape(
    statusCode: number,
    error: string,
    message: string,
    details?: readonly FieldProblem[],
  ): ErrorResponseDto {
    return details === undefined
      ? { success: false, statusCode, error, message }
      : { success: false, statusCode, error, message, details: [...details] };
  }
}
