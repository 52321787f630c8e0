interface Waiter {
  pixels: number;
  start: () => void;
}

/**
 * A bound on the pixels a process decodes or renders at once, so its memory for big images does not grow with
 * the number of jobs running side by side: a 2048×2048 render holds 16 MB of pixels until it is encoded. Work
 * is let in first come, first served (small images never starve a large one), and one image larger than the
 * whole budget runs when nothing else does.
 */
export class PixelBudget {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`A pixel budget is a positive integer, not ${limit}`);
  }

  /** Pixels of the work running now. */
  get pixelsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Runs `work` once `pixels` fit in the budget. Aborting `signal` while it waits rejects with the signal's
   * reason and gives its place up; work already started is the caller's to stop.
   */
  async run<T>(pixels: number, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.admit(pixels, signal);
    try {
      return await work();
    } finally {
      this.inFlight -= pixels;
      this.startWaiting();
    }
  }

  private admit(pixels: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.waiting.length === 0 && this.fits(pixels)) {
      this.inFlight += pixels;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { pixels, start: resolve };
      this.waiting.push(waiter);
      if (!signal) return;
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        // The one given up may have been the head holding back the work behind it.
        this.startWaiting();
        // Abort reasons are Errors here: the jobs' cancellation and timeouts, or AbortSignal's own DOMException.
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.start = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  }

  private fits(pixels: number): boolean {
    return this.inFlight === 0 || this.inFlight + pixels <= this.limit;
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].pixels)) {
      const next = this.waiting.shift()!;
      this.inFlight += next.pixels;
      next.start();
    }
  }
}
