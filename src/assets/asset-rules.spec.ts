import { assertJsonObject, mergeTags, normalizeTags } from './asset-rules';

describe('tag rule', () => {
  it('trims, lowercases and deduplicates, keeping first occurrences in order', () => {
    expect(normalizeTags(['  Logo ', 'BLUE', 'logo', 'blue', 'Ad'])).toEqual(['logo', 'blue', 'ad']);
  });

  it('refuses empty and over-64-character tags, naming them', () => {
    expect(() => normalizeTags(['ok', '   '])).toThrow('1-64 characters');
    expect(() => normalizeTags(['x'.repeat(65)])).toThrow('1-64 characters');
    expect(normalizeTags(['x'.repeat(64)])).toHaveLength(1);
  });

  it('allows at most 50 distinct tags (duplicates do not count)', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    expect(normalizeTags([...fifty, 'T0'])).toHaveLength(50);
    expect(() => normalizeTags([...fifty, 'one-more'])).toThrow('at most 50');
  });

  it('merges added tags into existing ones under the same cap', () => {
    expect(mergeTags(['logo'], [' LOGO', 'New'])).toEqual(['logo', 'new']);
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    expect(() => mergeTags(fifty, ['extra'])).toThrow('at most 50');
  });
});

describe('JSON objects', () => {
  it('must be plain objects of at most 64 KiB', () => {
    expect(() => assertJsonObject({ a: 1 }, 'metadata')).not.toThrow();
    expect(() => assertJsonObject([1], 'metadata')).toThrow('JSON object');
    expect(() => assertJsonObject({ blob: 'x'.repeat(70_000) }, 'metadata')).toThrow('limit');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => assertJsonObject(cyclic, 'metadata')).toThrow('serializable');
  });
});
