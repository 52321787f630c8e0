import type { Prisma } from '../generated/prisma/client';

/**
 * What the asset library asks of generation jobs without reading their table: saveAsset refuses a
 * generationId that is not one of the user's jobs. The jobs side provides it (wired in creative-engine.module.ts),
 * as assets import no generator.
 */
export interface GenerationJobLookup {
  /** Whether `jobId` is a job of `userId`, read in `tx` when given (the caller's transaction creating the asset). */
  isJobOfUser(jobId: string, userId: string, tx?: Prisma.TransactionClient): Promise<boolean>;
}

export const GENERATION_JOB_LOOKUP = Symbol('CREATIVE_ENGINE_GENERATION_JOB_LOOKUP');
