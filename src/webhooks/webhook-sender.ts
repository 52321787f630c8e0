import http from 'node:http';
import https from 'node:https';
import { publicAddressLookup, RefusedAddressError } from '../common/public-addresses';
import { isAllowListedTarget, WEBHOOK_ADDRESS_RULES, webhookTargetRefusal } from './webhook-targets';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookSendOptions {
  allowedHosts: readonly string[];
  timeoutMs: number;
}

/**
 * What one POST came to. `refused`: the target is not acceptable (no connection was made, or its name now
 * resolves to a private address): trying again cannot help. Otherwise `statusCode` is the receiver's answer
 * (2xx delivered) or absent when none came, with `error` saying why the attempt failed.
 */
export interface WebhookSendResult {
  delivered: boolean;
  refused: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Enough of a failing receiver's answer to tell what went wrong, kept in the attempt's error. */
const ERROR_BODY_CHARS = 200;
const USER_AGENT = 'CreativeEngine-Webhooks/1';

/**
 * POSTs one signed delivery: no redirects followed (a redirect could lead anywhere), every connection's
 * addresses checked unless the host is allow-listed, one timeout for the whole exchange.
 */
export async function sendWebhook(request: WebhookRequest, options: WebhookSendOptions): Promise<WebhookSendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refusal = webhookTargetRefusal(request.url, options.allowedHosts);
  if (refusal)
    return { delivered: false, refused: true, statusCode: null, error: `Target refused: ${refusal}`, durationMs: 0 };

  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const { statusCode, body } = await post(request, options.allowedHosts, timeout);
    if (statusCode >= 200 && statusCode < 300)
      return { delivered: true, refused: false, statusCode, error: null, durationMs: elapsed() };
    const error =
      statusCode >= 300 && statusCode < 400
        ? `HTTP ${statusCode}: redirects are not followed; register the final URL`
        : `HTTP ${statusCode}${body ? `: ${body}` : ''}`;
    return { delivered: false, refused: false, statusCode, error, durationMs: elapsed() };
  } catch (error) {
    const refused = error instanceof RefusedAddressError;
    const reason = error instanceof Error ? error.message : String(error);
    const message = timeout.aborted
      ? `No answer within ${options.timeoutMs} ms`
      : refused
        ? `Target refused: ${reason}`
        : `Connection failed: ${reason}`;
    return { delivered: false, refused, statusCode: null, error: message, durationMs: elapsed() };
  }
}

function post(
  request: WebhookRequest,
  allowedHosts: readonly string[],
  signal: AbortSignal,
): Promise<{ statusCode: number; body: string }> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        signal,
        lookup: isAllowListedTarget(url, allowedHosts) ? undefined : publicAddressLookup(WEBHOOK_ADDRESS_RULES),
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          'user-agent': USER_AGENT,
        },
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < ERROR_BODY_CHARS) body += chunk;
        });
        response.on('end', () => resolve({ statusCode, body: body.slice(0, ERROR_BODY_CHARS).trim() }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
