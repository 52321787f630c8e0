import { definedOnly, pickTypedFields } from './objects';

describe('definedOnly', () => {
  it('drops the undefined entries and keeps the rest, null included', () => {
    expect(definedOnly({ n: 1, size: undefined, seed: 3, style: null })).toEqual({ n: 1, seed: 3, style: null });
  });
});

describe('pickTypedFields', () => {
  it('keeps the named fields that have the type asked for', () => {
    expect(
      pickTypedFields(
        { voice: 'coral', format: 3, speed: 1.5, seconds: '4', extra: 'x', huge: Number.POSITIVE_INFINITY },
        { strings: ['voice', 'format'], numbers: ['speed', 'seconds', 'huge'] },
      ),
    ).toEqual({ voice: 'coral', speed: 1.5 });
  });

  it('gives nothing for JSON that is not an object', () => {
    for (const json of [null, undefined, 'voice', 4, ['voice']])
      expect(pickTypedFields(json, { strings: ['voice'] })).toEqual({});
  });
});
