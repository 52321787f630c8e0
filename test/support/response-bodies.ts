import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { bearer } from './app';
import type { JobStatusBody } from './image-jobs';

/** Reads a whole response body as bytes (files) or text (event streams). */
export function collectBody(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  // At run time superagent hands its parsers the raw IncomingMessage.
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

export async function download(
  http: TestAgent,
  userId: string,
  url: string,
): Promise<{ bytes: Buffer; contentType: string }> {
  const res = await http.get(url).set(bearer(userId)).buffer(true).parse(collectBody).expect(200);
  return { bytes: res.body as Buffer, contentType: String(res.headers['content-type']) };
}

export interface ServerSentEvent {
  id?: string;
  event?: string;
  data: JobStatusBody;
}

export function parseEvents(text: string): ServerSentEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const fields = Object.fromEntries(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
      );
      return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) as JobStatusBody };
    });
}
