import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (Date.now()). */
  at: number;
}

/** How the receiver answers one request: a status (with an optional Location) or no answer at all. */
export type WebhookAnswer = number | { status: number; location: string } | 'hang';

/**
 * A webhook receiver on 127.0.0.1 for the engine's deliveries: records every request and answers as told
 * (200 by default). It can go down and come back on the same port, like a receiver being redeployed.
 */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  answerWith(answer: (request: ReceivedWebhook, index: number) => WebhookAnswer): void;
  /** Stops listening and drops open connections (hanging requests included). */
  goDown(): Promise<void>;
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let answer: (request: ReceivedWebhook, index: number) => WebhookAnswer = () => 200;
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;

  const respond = (response: ServerResponse, decided: WebhookAnswer) => {
    if (decided === 'hang') return;
    if (typeof decided === 'number') response.writeHead(decided).end(decided < 300 ? 'ok' : 'receiver says no');
    else response.writeHead(decided.status, { location: decided.location }).end();
  };

  const listen = async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const hook = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        received.push(hook);
        respond(response, answer(hook, received.length - 1));
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const goDown = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answerWith: (next) => (answer = next),
    goDown,
    comeBack: listen,
    close: goDown,
  };
}

/** The event a delivery carries, after checking its signature with the Standard Webhooks reference library. */
export function verifiedEvent(
  secret: string,
  hook: ReceivedWebhook,
): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(hook.body, {
    'webhook-id': String(hook.headers['webhook-id']),
    'webhook-timestamp': String(hook.headers['webhook-timestamp']),
    'webhook-signature': String(hook.headers['webhook-signature']),
  }) as { type: string; timestamp: string; data: Record<string, unknown> };
}
