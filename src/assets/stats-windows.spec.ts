import { statsWindows } from './stats-windows';

const at = (iso: string) => new Date(iso);

describe('statsWindows', () => {
  it('reads an open range from the rollups alone', () => {
    expect(statsWindows({})).toEqual({
      days: { from: undefined, to: undefined },
      months: { from: undefined, to: undefined },
      monthParts: [],
      edges: [],
    });
  });

  it('takes whole days from the rollups when the range falls on midnights', () => {
    expect(statsWindows({ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-03T00:00:00Z') })).toEqual({
      days: { from: '2026-03-01', to: '2026-03-03' },
      monthParts: [{ from: '2026-03-01', to: '2026-03-03' }],
      edges: [],
    });
  });

  it('counts the parts of a day at either end from the assets', () => {
    expect(statsWindows({ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-04T06:30:00Z') })).toEqual({
      days: { from: '2026-03-02', to: '2026-03-04' },
      monthParts: [{ from: '2026-03-02', to: '2026-03-04' }],
      edges: [
        { from: at('2026-03-01T10:00:00Z'), to: at('2026-03-02T00:00:00Z') },
        { from: at('2026-03-04T00:00:00Z'), to: at('2026-03-04T06:30:00Z') },
      ],
    });
  });

  it('keeps an open end open', () => {
    expect(statsWindows({ from: at('2026-03-01T10:00:00Z') })).toEqual({
      days: { from: '2026-03-02', to: undefined },
      months: { from: '2026-04-01', to: undefined },
      monthParts: [{ from: '2026-03-02', to: '2026-04-01' }],
      edges: [{ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-02T00:00:00Z') }],
    });
    expect(statsWindows({ to: at('2026-03-01T10:00:00Z') })).toEqual({
      days: { from: undefined, to: '2026-03-01' },
      months: { from: undefined, to: '2026-03-01' },
      monthParts: [],
      edges: [{ from: at('2026-03-01T00:00:00Z'), to: at('2026-03-01T10:00:00Z') }],
    });
  });

  it('counts a range within one day, or across one midnight, from the assets only', () => {
    expect(statsWindows({ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-01T12:00:00Z') })).toEqual({
      monthParts: [],
      edges: [{ from: at('2026-03-01T10:00:00Z'), to: at('2026-03-01T12:00:00Z') }],
    });
    expect(statsWindows({ from: at('2026-03-01T22:00:00Z'), to: at('2026-03-02T02:00:00Z') })).toEqual({
      monthParts: [],
      edges: [{ from: at('2026-03-01T22:00:00Z'), to: at('2026-03-02T02:00:00Z') }],
    });
  });

  it('reads the groups of whole months from the month rollups, and the days around them from the day rollups', () => {
    expect(statsWindows({ from: at('2026-01-15T12:00:00Z'), to: at('2026-04-10T00:00:00Z') })).toEqual({
      days: { from: '2026-01-16', to: '2026-04-10' },
      months: { from: '2026-02-01', to: '2026-04-01' },
      monthParts: [
        { from: '2026-01-16', to: '2026-02-01' },
        { from: '2026-04-01', to: '2026-04-10' },
      ],
      edges: [{ from: at('2026-01-15T12:00:00Z'), to: at('2026-01-16T00:00:00Z') }],
    });
  });

  it('needs no day rollups for a range of whole months', () => {
    expect(statsWindows({ from: at('2026-02-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') })).toEqual({
      days: { from: '2026-02-01', to: '2026-04-01' },
      months: { from: '2026-02-01', to: '2026-04-01' },
      monthParts: [],
      edges: [],
    });
  });

  it('crosses a new year', () => {
    expect(statsWindows({ from: at('2026-12-20T00:00:00Z'), to: at('2027-01-10T00:00:00Z') })).toEqual({
      days: { from: '2026-12-20', to: '2027-01-10' },
      monthParts: [{ from: '2026-12-20', to: '2027-01-10' }],
      edges: [],
    });
    expect(statsWindows({ from: at('2026-12-20T00:00:00Z'), to: at('2027-02-05T00:00:00Z') })).toEqual({
      days: { from: '2026-12-20', to: '2027-02-05' },
      months: { from: '2027-01-01', to: '2027-02-01' },
      monthParts: [
        { from: '2026-12-20', to: '2027-01-01' },
        { from: '2027-02-01', to: '2027-02-05' },
      ],
      edges: [],
    });
  });
});
