import type { JobStatus } from './client';
import { currentToken, signOut } from './session';

export const FINAL_EVENTS = ['completed', 'failed', 'cancelled'] as const;

/** A partial image of a streaming job: a short-lived signed link an <img> can load, gone when the job ends. */
export interface PartialImage {
  index: number;
  url: string;
}

export type JobEvent =
  /** `progress` while the job runs, then one of FINAL_EVENTS. */
  | { event: 'progress' | (typeof FINAL_EVENTS)[number]; job: JobStatus }
  /** Each partial image of a job whose provider streams previews, in order, before the status read with it. */
  | { event: 'partial'; partial: PartialImage };

function toJobEvent(event: string, data: string): JobEvent {
  return event === 'partial'
    ? { event, partial: JSON.parse(data) as PartialImage }
    : { event: event as Exclude<JobEvent['event'], 'partial'>, job: JSON.parse(data) as JobStatus };
}

/** Splits a server-sent events text into its events (name and data; comments and ids are skipped). */
export function parseEvents(text: string): { event: string; data: string }[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      return { event, data: data.join('\n') };
    })
    .filter((item) => item.data.length > 0);
}

/**
 * Follows GET /jobs/:jobId/events until the job ends. An EventSource cannot send the Authorization header the
 * route needs, so this reads the stream with fetch; `signal` stops it.
 */
export async function followJob(jobId: string, onEvent: (event: JobEvent) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(`/api/creative/jobs/${encodeURIComponent(jobId)}/events`, {
    headers: { Authorization: `Bearer ${currentToken() ?? ''}`, Accept: 'text/event-stream' },
    signal,
  });
  if (response.status === 401) signOut();
  if (!response.ok || !response.body)
    throw new Error(`The job's progress could not be followed (HTTP ${response.status})`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const end = buffer.lastIndexOf('\n\n');
    if (end < 0) continue;
    for (const item of parseEvents(buffer.slice(0, end))) onEvent(toJobEvent(item.event, item.data));
    buffer = buffer.slice(end + 2);
  }
}
