import { statsWindows } from './stats-windows';

const at = (iso: string) => new Date(iso);

describe('statsWindows', () => {
  it('reads an open range from the rollups alone', () => {
    expect(statsWindows({})).toEqual({ days: { from: undefined, to: undefined }, edges: [] });
  });

  it('takes whole days from the rollups when the range falls on midnights', () => {
    expect(statsWindows({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-03T00:00:00Z') })).toEqual({
      days: { from: '2026-03-01', to: '2026-03-03' },
      edges: [],
    });
  });

  it('counts the parts of a day at either end from the assets', () => {
    expect(statsWindows({ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-04T06:30:00Z') })).toEqual({
      days: { from: '2026-03-02', to: '2026-03-04' },
      edges: [
        { from: at('2026-03-01T10:00:00Z'), to: at('2026-03-02T00:00:00Z') },
        { from: at('2026-03-04T00:00:00Z'), to: at('2026-03-04T06:30:00Z') },
      ],
    });
  });

  it('keeps an open end open', () => {
    expect(statsWindows({ from: at('2026-03-01T10:00:00Z') })).toEqual({
      days: { from: '2026-03-02', to: undefined },
      edges: [{ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-02T00:00:00Z') }],
    });
    expect(statsWindows({ to: at('2026-03-01T10:00:00Z') })).toEqual({
      days: { from: undefined, to: '2026-03-01' },
      edges: [{ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-01T10:00:00Z') }],
    });
  });

  it('counts a range within one day, or across one midnight, from the assets only', () => {
    expect(statsWindows({ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-01T12:00:00Z') })).toEqual({
      edges: [{ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-01T12:00:00Z') }],
    });
    expect(statsWindows({ from: at('2026-03-01T22:00:00Z'), to: at('2026-03-02T02:00:00Z') })).toEqual({
      edges: [{ from: at('2026-03-01T22:00:00Z'), to: at('2026-03-02T02:00:00Z') }],
    });
  });
});
