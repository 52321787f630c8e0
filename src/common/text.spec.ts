import { truncate } from './text';

describe('truncate', () => {
  it('keeps a short text on one line', () => {
    expect(truncate('  a red\n\tsquare  ', 20)).toBe('a red square');
  });

  it('cuts a long text to the length, ending in an ellipsis', () => {
    const cut = truncate('abcdefghij', 5);
    expect(cut).toBe('abcd…');
    expect(cut).toHaveLength(5);
  });
});
