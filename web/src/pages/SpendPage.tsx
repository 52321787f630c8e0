import { useMemo, useState } from 'react';
import { api, call } from '../api/client';
import { useAsync } from '../api/use-async';
import { BarChart } from '../components/BarChart';
import { usd } from '../components/format';

const DAY_MS = 86_400_000;
const day = (time: number) => new Date(time).toISOString().slice(0, 10);

function CostTable({ caption, rows }: { caption: string; rows: [string, number, number][] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Assets</th>
          <th scope="col">Cost</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, count, cost]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{count}</td>
            <td>{usd(cost)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Budget() {
  const limits = useAsync(() => call(api.GET('/api/creative/limits')), []);
  if (!limits.data) return null;
  const { dailyBudgetUsd, spentTodayUsd } = limits.data;
  if (dailyBudgetUsd === null) return <p>Spent today: {usd(spentTodayUsd)} (no daily budget is set).</p>;
  return (
    <section aria-labelledby="budget">
      <h2 id="budget">Daily budget</h2>
      <label htmlFor="budget-meter">
        Spent today: {usd(spentTodayUsd)} of {usd(dailyBudgetUsd)}
      </label>
      <meter id="budget-meter" min={0} max={dailyBudgetUsd} high={dailyBudgetUsd * 0.8} value={spentTodayUsd} />
    </section>
  );
}

/** What the library cost: by day, by provider and model (GET /assets/stats), and today's spend against the budget. */
export default function SpendPage() {
  const [days, setDays] = useState('30');
  const stats = useAsync(() => {
    const from = day(Date.now() - (Number(days) - 1) * DAY_MS);
    return call(api.GET('/api/creative/assets/stats', { params: { query: { createdFrom: `${from}T00:00:00.000Z` } } }));
  }, [days]);
  const byDay = useMemo(
    () => [...(stats.data?.costByDay ?? [])].sort((a, b) => a.day.localeCompare(b.day)),
    [stats.data],
  );
  const byModel = useMemo(
    () =>
      (stats.data?.costByModel ?? []).map(
        (row) =>
          [`${row.provider ?? 'unknown'} · ${row.model ?? 'unknown'}`, row.count, row.cost] as [string, number, number],
      ),
    [stats.data],
  );
  const dayLabels = useMemo(() => byDay.map((row) => row.day), [byDay]);
  const dayValues = useMemo(() => byDay.map((row) => row.cost), [byDay]);
  const modelLabels = useMemo(() => byModel.map((row) => row[0]), [byModel]);
  const modelValues = useMemo(() => byModel.map((row) => row[2]), [byModel]);
  return (
    <>
      <h1 tabIndex={-1}>Spend</h1>
      <Budget />
      <div className="field inline">
        <label htmlFor="days">Period</label>
        <select id="days" value={days} onChange={(event) => setDays(event.target.value)}>
          <option value="7">Last 7 days</option>
          <option value="30">Last 30 days</option>
          <option value="90">Last 90 days</option>
          <option value="365">Last year</option>
        </select>
      </div>
      {stats.error && <p role="alert">{stats.error}</p>}
      {stats.data && (
        <>
          <p>
            {stats.data.totalAssets} assets, {usd(stats.data.totalCost)} in all.
          </p>
          <section aria-labelledby="by-day">
            <h2 id="by-day">Cost by day</h2>
            <BarChart label="Cost by day in USD" labels={dayLabels} values={dayValues} />
            <CostTable caption="Cost by day" rows={byDay.map((row) => [row.day, row.count, row.cost])} />
          </section>
          <section aria-labelledby="by-model">
            <h2 id="by-model">Cost by provider and model</h2>
            <BarChart label="Cost by provider and model in USD" labels={modelLabels} values={modelValues} horizontal />
            <CostTable caption="Cost by provider and model" rows={byModel} />
          </section>
        </>
      )}
    </>
  );
}
