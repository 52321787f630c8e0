import { ProviderError } from '../common/errors';

/**
 * The steps a job that renders files reports through currentStep/totalSteps (image and audio jobs), with the
 * progress reached when each starts.
 */
export const RENDER_STEPS = {
  generating: { step: 1, progress: 10 },
  storing: { step: 2, progress: 60 },
  done: { step: 3, progress: 100 },
} as const;

/** The variable that bounds an attempt of an image or audio job. */
export const RENDER_TIMEOUT = 'IMAGE_JOB_TIMEOUT_MS';

/** A retryable failure once the attempt's deadline passed; `limit` names the variable that set it. */
export function assertInTime(deadline: AbortSignal, limit: string): void {
  if (deadline.aborted) throw new ProviderError(`The job did not finish within ${limit}`, true);
}
