import { pickImageParameters } from './image-job-parameters';

describe('pickImageParameters', () => {
  it('keeps known image parameters of the right type and drops the rest', () => {
    expect(
      pickImageParameters({
        size: '512x512',
        n: 2,
        quality: 3,
        seed: 'x',
        outputFormat: 'gif',
        tags: ['a', 1],
        style: 'vivid',
        tone: 'warm',
        guidance: 7,
      }),
    ).toEqual({ size: '512x512', n: 2, style: 'vivid', guidance: 7 });
    expect(pickImageParameters(null)).toEqual({});
    expect(pickImageParameters(['size'])).toEqual({});
  });
});
