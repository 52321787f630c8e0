import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AssetType, CreativeAsset, JobType } from '../generated/prisma/client';

/** The names of the engine's in-process events (docs/ARCHITECTURE.md §9), for `@OnEvent(CREATIVE_EVENTS.jobCompleted)`. */
export const CREATIVE_EVENTS = {
  jobCompleted: 'creative.job.completed',
  jobFailed: 'creative.job.failed',
  assetCreated: 'creative.asset.created',
  assetDeleted: 'creative.asset.deleted',
} as const;

export type CreativeEventName = (typeof CREATIVE_EVENTS)[keyof typeof CREATIVE_EVENTS];

/** A job completed: its assets exist (the transaction that made them has committed). */
export interface JobCompletedEvent {
  jobId: string;
  userId: string;
  type: JobType;
  provider: string | null;
  model: string | null;
  /** USD, when priced. */
  cost: number | null;
  /** From the first claim to the completion. */
  actualTimeMs: number | null;
  assetIds: string[];
}

/** A job failed for good: after its last attempt, a permanent provider error, or the queue giving up on it. */
export interface JobFailedEvent {
  jobId: string;
  userId: string;
  type: JobType;
  errorMessage: string;
}

/** An asset was added to a user's library (by a job, an upload, a text generation or a host's saveAsset). */
export interface AssetCreatedEvent {
  assetId: string;
  userId: string;
  type: AssetType;
  sourceModule: string;
  /** The job that made it, if any. */
  generationId: string | null;
}

export interface AssetDeletedEvent {
  assetId: string;
  userId: string;
}

/** The payload of each event. */
export interface CreativeEventPayloads {
  'creative.job.completed': JobCompletedEvent;
  'creative.job.failed': JobFailedEvent;
  'creative.asset.created': AssetCreatedEvent;
  'creative.asset.deleted': AssetDeletedEvent;
}

/**
 * Emits the engine's events on the host app's EventEmitter2 (`EventEmitterModule.forRoot()` in the host);
 * without one, nothing is emitted. Callers emit only once the change is committed. A listener's failure is
 * logged and never reaches the engine's work: the job or the request it announces has already succeeded.
 */
@Injectable()
export class CreativeEvents {
  private readonly logger = new Logger('CreativeEngineEvents');

  constructor(@Optional() private readonly emitter?: EventEmitter2) {}

  emit<Name extends CreativeEventName>(name: Name, payload: CreativeEventPayloads[Name]): void {
    if (!this.emitter) return;
    try {
      this.emitter.emit(name, payload);
    } catch (error) {
      this.logger.error(`A listener of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The event of a newly created asset row. */
export function assetCreatedEvent(
  asset: Pick<CreativeAsset, 'id' | 'userId' | 'type' | 'sourceModule' | 'generationId'>,
): AssetCreatedEvent {
  return {
    assetId: asset.id,
    userId: asset.userId,
    type: asset.type,
    sourceModule: asset.sourceModule,
    generationId: asset.generationId,
  };
}
