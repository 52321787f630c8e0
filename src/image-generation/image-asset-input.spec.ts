import type { GenerationJob } from '../generated/prisma/client';
import { IMAGE_SOURCE_MODULE, imageAssetInput } from './image-asset-input';

describe('imageAssetInput', () => {
  const job = {
    id: 'job-1',
    prompt: `a   lighthouse\nat dawn ${'x'.repeat(200)}`,
    negativePrompt: null,
    provider: 'placeholder',
    model: 'placeholder-1',
    startedAt: null,
    parentAssetId: 'parent-1',
  } as unknown as GenerationJob;
  const image = { bytes: Buffer.from('png'), revisedPrompt: 'revised' };

  it('numbers the titles of several images, splits the cost between them and links the job and the parent', () => {
    const input = imageAssetInput(
      job,
      { n: 3, tags: ['sea'], title: 'Lighthouse', variables: { a: 'b' } },
      image,
      { index: 1, count: 3 },
      0.1,
    );
    expect(input).toMatchObject({
      sourceModule: IMAGE_SOURCE_MODULE,
      title: 'Lighthouse (2/3)',
      cost: 0.033333,
      generationId: 'job-1',
      parentAssetId: 'parent-1',
      tags: ['sea'],
    });
    expect(input.parameters).toEqual({ n: 3 });
    expect(input.metadata).toEqual({ revisedPrompt: 'revised', placeholder: true });
  });

  it('titles an untitled image with its prompt, flattened and cut to 120 characters', () => {
    const { title, cost } = imageAssetInput(job, { n: 1 }, image, { index: 0, count: 1 }, null);
    expect(title).toHaveLength(120);
    expect(title.startsWith('a lighthouse at dawn x')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
    expect(cost).toBeUndefined();
  });
});
