import { normalizeSaveAssetInput, SaveAssetInput } from './save-asset-input';

const image = (overrides: Partial<SaveAssetInput> = {}): SaveAssetInput => ({
  type: 'image',
  sourceModule: 'image_generation',
  title: 'A cat',
  bytes: Buffer.from('bytes'),
  ...overrides,
});
const problemsOf = (input: SaveAssetInput): string[] => {
  try {
    normalizeSaveAssetInput(input);
    return [];
  } catch (error) {
    return (error as { details: { field: string }[] }).details.map((detail) => detail.field);
  }
};

describe('normalizeSaveAssetInput', () => {
  it('maps a valid input to row columns: trimmed text, normalized tags, bigint seed', () => {
    const fields = normalizeSaveAssetInput(
      image({
        title: '  A cat ',
        tags: ['Cat', 'cat '],
        seed: '9007199254740993',
        cost: 0.04,
        description: '   ',
        isPublic: true,
      }),
    );
    expect(fields).toMatchObject({
      title: 'A cat',
      tags: ['cat'],
      seed: 9007199254740993n,
      cost: 0.04,
      description: undefined,
      isPublic: true,
    });
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf(
        image({ title: '', sourceModule: 'has spaces', cost: -0.01, steps: 1.5, seed: 'abc', generationId: 'x' }),
      ).sort(),
    ).toEqual(['cost', 'generationId', 'seed', 'sourceModule', 'steps', 'title'].sort());
  });

  it('needs bytes for files and content for text, never both kinds', () => {
    expect(problemsOf(image({ bytes: undefined }))).toEqual(['bytes']);
    expect(problemsOf(image({ content: 'text' }))).toEqual(['content']);
    expect(problemsOf({ type: 'text', sourceModule: 'm', title: 't' })).toEqual(['content']);
    expect(problemsOf({ type: 'text', sourceModule: 'm', title: 't', content: 'x', bytes: Buffer.from('x') })).toEqual([
      'bytes',
    ]);
    expect(problemsOf({ type: 'text', sourceModule: 'm', title: 't', content: 'x'.repeat(200_001) })).toEqual([
      'content',
    ]);
  });

  it('takes the file as bytes or as a file on disk, exactly one of them', () => {
    const onDisk = { path: '/tmp/upload', size: 10, sha256: 'a'.repeat(64) };
    expect(problemsOf(image({ bytes: undefined, file: onDisk }))).toEqual([]);
    expect(problemsOf(image({ file: onDisk }))).toEqual(['bytes']);
    expect(problemsOf(image({ bytes: undefined, file: { ...onDisk, size: 0 } }))).toEqual(['bytes']);
  });

  it('needs a known MIME type of the right kind for video and audio', () => {
    expect(
      problemsOf({ type: 'video', sourceModule: 'm', title: 't', bytes: Buffer.from('x'), mimeType: 'video/mp4' }),
    ).toEqual([]);
    expect(
      problemsOf({ type: 'video', sourceModule: 'm', title: 't', bytes: Buffer.from('x'), mimeType: 'audio/mpeg' }),
    ).toEqual(['mimeType']);
    expect(problemsOf({ type: 'audio', sourceModule: 'm', title: 't', bytes: Buffer.from('x') })).toEqual(['mimeType']);
    // A video's type is read from its bytes when they are stored.
    expect(problemsOf({ type: 'video', sourceModule: 'm', title: 't', bytes: Buffer.from('x') })).toEqual([]);
  });

  it('refuses seeds outside int64 and unknown types', () => {
    expect(problemsOf(image({ seed: 2n ** 63n }))).toEqual(['seed']);
    expect(problemsOf(image({ seed: 2 ** 60 }))).toEqual(['seed']);
    expect(problemsOf(image({ type: 'pdf' as never }))).toContain('type');
  });
});
