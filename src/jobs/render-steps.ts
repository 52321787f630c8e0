import { ProviderError } from '../common/errors';

/**
 * The steps a job that renders files reports through currentStep/totalSteps (image and audio jobs), with the
 * progress reached when each starts.
 */
export const RENDER_STEPS = {
  generating: { step: 1, progress: 10 },
  storing: { step: 2, progress: 60 },
  saving: { step: 3, progress: 90 },
  done: { step: 4, progress: 100 },
} as const;

/** A retryable failure once the attempt's deadline (IMAGE_JOB_TIMEOUT_MS, the limit of every attempt) passed. */
export function assertInTime(deadline: AbortSignal): void {
  if (deadline.aborted) throw new ProviderError('The job did not finish within IMAGE_JOB_TIMEOUT_MS', true);
}
