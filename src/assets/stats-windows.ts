import type { CreatedRange } from './asset-list-query';

const DAY_MS = 86_400_000;

/**
 * A createdAt range split for the rollups: the whole UTC days it covers (`days`, as YYYY-MM-DD, `to`
 * exclusive; an open end stays open) are read from creative_asset_rollups; the parts of a day at either end
 * (`edges`, [from, to) instants) are counted from the assets themselves. `days` is undefined when the range
 * covers no whole day.
 */
export interface StatsWindows {
  days?: { from?: string; to?: string };
  edges: { from: Date; to: Date }[];
}

const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);
const startOfDay = (instant: Date) => new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
const startOfNextDay = (instant: Date) => new Date(Math.ceil(instant.getTime() / DAY_MS) * DAY_MS);

export function statsWindows(range: CreatedRange): StatsWindows {
  const wholeFrom = range.from && startOfNextDay(range.from);
  const wholeTo = range.to && startOfDay(range.to);
  if (range.from && range.to && wholeFrom && wholeTo && wholeFrom >= wholeTo)
    return { edges: [{ from: range.from, to: range.to }] };
  const edges: StatsWindows['edges'] = [];
  if (range.from && wholeFrom && range.from < wholeFrom) edges.push({ from: range.from, to: wholeFrom });
  if (range.to && wholeTo && wholeTo < range.to) edges.push({ from: wholeTo, to: range.to });
  return { days: { from: wholeFrom && dayOf(wholeFrom), to: wholeTo && dayOf(wholeTo) }, edges };
}
