import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A transparent recording proxy in front of the fake provider (or any HTTP server). The fake records the
 * requests it receives but not the answers it sends; provider-fidelity tests need both, exactly as they
 * crossed the wire, to check them against OpenAI's published schemas.
 */

export interface RecordedExchange {
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  /** Parsed JSON when the answer was JSON, else the raw text. */
  responseBody: unknown;
}

export interface RecordingProxy {
  /** OpenAI-style base URL of the proxy, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  readonly exchanges: RecordedExchange[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export async function startRecordingProxy(targetOrigin: string): Promise<RecordingProxy> {
  const exchanges: RecordedExchange[] = [];
  const inFlight = new Set<AbortController>();

  const server: Server = createServer((req, res) => {
    const controller = new AbortController();
    inFlight.add(controller);
    relay(req, controller.signal)
      .then(({ status, headers, text }) => res.writeHead(status, headers).end(text))
      .catch(() => res.destroy())
      .finally(() => inFlight.delete(controller));
  });

  async function relay(
    req: IncomingMessage,
    signal: AbortSignal,
  ): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const body = await readText(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name, value]) => !HOP_BY_HOP.has(name) && typeof value === 'string') as [
        string,
        string,
      ][],
    );
    const answer = await fetch(`${targetOrigin}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      signal,
    });
    const text = await answer.text();
    const responseHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      // fetch already decoded the body: drop the headers that described the encoded one.
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') responseHeaders[name] = value;
    });
    exchanges.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      requestBody: parseMaybeJson(body),
      status: answer.status,
      responseBody: parseMaybeJson(text),
    });
    return { status: answer.status, headers: responseHeaders, text };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    exchanges,
    close: async () => {
      for (const controller of inFlight) controller.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
