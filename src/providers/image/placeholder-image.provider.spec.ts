import sharp from 'sharp';
import { PixelBudget } from '../../storage/pixel-budget';
import { PlaceholderImageProvider } from './placeholder-image.provider';

/** A budget that records the pixels asked for and the most ever in flight while work ran. */
class RecordingBudget extends PixelBudget {
  readonly asked: number[] = [];
  peak = 0;

  override run<T>(pixels: number, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.asked.push(pixels);
    return super.run(
      pixels,
      () => {
        this.peak = Math.max(this.peak, this.pixelsInFlight);
        return work();
      },
      signal,
    );
  }
}

const live = () => new AbortController().signal;
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

describe('PlaceholderImageProvider', () => {
  it('renders the images of jobs running side by side within the pixel budget', async () => {
    const budget = new RecordingBudget(64 * 64);
    const provider = new PlaceholderImageProvider(budget);
    const request = { prompt: 'a lighthouse', n: 2, size: '64x64', model: 'placeholder' };
    const [first, second] = await Promise.all([
      provider.generate(request, live()),
      provider.generate({ ...request, prompt: 'a harbour' }, live()),
    ]);

    expect(budget.asked).toEqual([4096, 4096, 4096, 4096]);
    expect(budget.peak).toBe(4096);
    for (const { bytes } of [...first.images, ...second.images])
      expect(await sharp(bytes).metadata()).toMatchObject({ width: 64, height: 64, format: 'png' });
  });

  it('weighs an edit and an upscale by the pixels of their results', async () => {
    const budget = new RecordingBudget(1_000_000);
    const provider = new PlaceholderImageProvider(budget);
    const source = { bytes: await png(64, 32), mimeType: 'image/png' };

    const outpainted = await provider.edit(
      { operation: 'outpaint', prompt: 'more sea', model: 'placeholder', n: 1, source, references: [] },
      live(),
    );
    const upscaled = await provider.upscale({ mode: 'creative', model: 'placeholder', source }, live());

    expect(budget.asked).toEqual([96 * 48, 256 * 128]);
    expect(await sharp(outpainted.images[0].bytes).metadata()).toMatchObject({ width: 96, height: 48 });
    expect(await sharp(upscaled.images[0].bytes).metadata()).toMatchObject({ width: 256, height: 128 });
  });

  it('renders nothing for a job cancelled while it waits for pixels', async () => {
    const budget = new RecordingBudget(64 * 64);
    const provider = new PlaceholderImageProvider(budget);
    const running = provider.generate({ prompt: 'first', n: 1, size: '64x64', model: 'placeholder' }, live());
    const cancel = new AbortController();
    const waiting = provider.generate({ prompt: 'second', n: 1, size: '64x64', model: 'placeholder' }, cancel.signal);
    cancel.abort(new Error('cancelled by its user'));

    await expect(waiting).rejects.toThrow('cancelled by its user');
    await running;
    expect(budget.asked).toEqual([4096, 4096]);
    expect(budget.peak).toBe(4096);
  });
});
