import { PixelBudget } from './pixel-budget';

/** Work that runs until `finish` is called, recording when it started. */
function pending(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<string>((resolve) => (finish = () => resolve(name)));
  return {
    work: () => {
      started.push(name);
      return done;
    },
    finish: () => finish(),
  };
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PixelBudget', () => {
  it('runs work side by side while its pixels fit, and lets the next in when pixels are given back', async () => {
    const budget = new PixelBudget(100);
    const started: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => pending(started, name));
    const results = [budget.run(60, a.work), budget.run(40, b.work), budget.run(30, c.work)];
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(budget.pixelsInFlight).toBe(100);

    b.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(budget.pixelsInFlight).toBe(90);

    a.finish();
    c.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(budget.pixelsInFlight).toBe(0);
  });

  it('lets work in first come, first served: a small image never overtakes a large one waiting', async () => {
    const budget = new PixelBudget(100);
    const started: string[] = [];
    const [first, large, small] = ['first', 'large', 'small'].map((name) => pending(started, name));
    const results = [budget.run(50, first.work), budget.run(100, large.work), budget.run(10, small.work)];
    await settle();
    expect(started).toEqual(['first']);

    first.finish();
    await settle();
    expect(started).toEqual(['first', 'large']);
    large.finish();
    small.finish();
    await Promise.all(results);
    expect(started).toEqual(['first', 'large', 'small']);
  });

  it('runs an image larger than the whole budget alone', async () => {
    const budget = new PixelBudget(100);
    const started: string[] = [];
    const [huge, next] = ['huge', 'next'].map((name) => pending(started, name));
    const results = [budget.run(500, huge.work), budget.run(1, next.work)];
    await settle();
    expect(started).toEqual(['huge']);
    huge.finish();
    next.finish();
    await Promise.all(results);
    expect(started).toEqual(['huge', 'next']);
  });

  it('gives the pixels back when the work fails', async () => {
    const budget = new PixelBudget(10);
    await expect(budget.run(10, () => Promise.reject(new Error('decoder failed')))).rejects.toThrow('decoder failed');
    expect(budget.pixelsInFlight).toBe(0);
    await expect(budget.run(10, async () => 'ran')).resolves.toBe('ran');
  });

  it('drops waiting work whose signal aborts, with its reason, and lets the work behind it in', async () => {
    const budget = new PixelBudget(100);
    const started: string[] = [];
    const [running, cancelled, behind] = ['running', 'cancelled', 'behind'].map((name) => pending(started, name));
    const cancel = new AbortController();
    const first = budget.run(90, running.work);
    const dropped = budget.run(100, cancelled.work, cancel.signal);
    const last = budget.run(10, behind.work);
    await settle();
    expect(started).toEqual(['running']);

    cancel.abort(new Error('job cancelled'));
    await expect(dropped).rejects.toThrow('job cancelled');
    await settle();
    expect(started).toEqual(['running', 'behind']);
    running.finish();
    behind.finish();
    await Promise.all([first, last]);
    expect(budget.pixelsInFlight).toBe(0);
  });

  it('refuses work whose signal has already aborted without running it', async () => {
    const budget = new PixelBudget(100);
    const work = jest.fn(async () => 'ran');
    await expect(budget.run(1, work, AbortSignal.abort(new Error('timed out')))).rejects.toThrow('timed out');
    expect(work).not.toHaveBeenCalled();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a budget of %s', (limit) => {
    expect(() => new PixelBudget(limit)).toThrow(RangeError);
  });
});
