import type { CreatedRange } from './asset-list-query';

const DAY_MS = 86_400_000;

/** Whole UTC days or months as YYYY-MM-DD, `to` exclusive; an open end is undefined. */
export interface DateSpan {
  from?: string;
  to?: string;
}

/**
 * A createdAt range split for the rollups, so that GET /assets/stats reads as few rows as it can:
 * - `days`: every whole UTC day the range covers, read from creative_asset_day_totals for the per-day series;
 *   undefined when the range covers no whole day;
 * - `months`: the whole UTC months among those days, whose groups come from creative_asset_month_rollups;
 * - `monthParts`: the whole days outside those months (at most one run at each end), whose groups come from
 *   creative_asset_rollups;
 * - `edges`: the parts of a day at either end ([from, to) instants), counted from the assets themselves.
 */
export interface StatsWindows {
  days?: DateSpan;
  months?: DateSpan;
  monthParts: DateSpan[];
  edges: { from: Date; to: Date }[];
}

const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);
const startOfDay = (instant: Date) => new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
const startOfNextDay = (instant: Date) => new Date(Math.ceil(instant.getTime() / DAY_MS) * DAY_MS);
const startOfMonth = (instant: Date) => new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
const startOfNextMonth = (instant: Date) => {
  const month = startOfMonth(instant);
  return month.getTime() === instant.getTime()
    ? month
    : new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth() + 1, 1));
};

export function statsWindows(range: CreatedRange): StatsWindows {
  const wholeFrom = range.from && startOfNextDay(range.from);
  const wholeTo = range.to && startOfDay(range.to);
  if (range.from && range.to && wholeFrom && wholeTo && wholeFrom >= wholeTo)
    return { monthParts: [], edges: [{ from: range.from, to: range.to }] };
  const edges: StatsWindows['edges'] = [];
  if (range.from && wholeFrom && range.from < wholeFrom) edges.push({ from: range.from, to: wholeFrom });
  if (range.to && wholeTo && wholeTo < range.to) edges.push({ from: wholeTo, to: range.to });
  const days = { from: wholeFrom && dayOf(wholeFrom), to: wholeTo && dayOf(wholeTo) };

  const monthsFrom = wholeFrom && startOfNextMonth(wholeFrom);
  const monthsTo = wholeTo && startOfMonth(wholeTo);
  if (monthsFrom && monthsTo && monthsFrom >= monthsTo) return { days, monthParts: [days], edges };
  const monthParts: DateSpan[] = [];
  if (wholeFrom && monthsFrom && wholeFrom < monthsFrom) monthParts.push({ from: days.from, to: dayOf(monthsFrom) });
  if (wholeTo && monthsTo && monthsTo < wholeTo) monthParts.push({ from: dayOf(monthsTo), to: days.to });
  return {
    days,
    months: { from: monthsFrom && dayOf(monthsFrom), to: monthsTo && dayOf(monthsTo) },
    monthParts,
    edges,
  };
}
