import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { usd } from './format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/**
 * A bar chart of costs (Chart.js on a canvas). The canvas is an image to assistive technology: its label says what
 * it shows, and the same figures are in the table beside it.
 */
export function BarChart({
  label,
  labels,
  values,
  horizontal = false,
}: {
  label: string;
  labels: string[];
  values: number[];
  horizontal?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ label, data: values, backgroundColor: '#3a5ba9' }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        maintainAspectRatio: false,
        plugins: { tooltip: { callbacks: { label: (item) => usd(item.parsed[horizontal ? 'x' : 'y']) } } },
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { callback: (value) => usd(Number(value)) } } },
      },
    });
    return () => chart.destroy();
  }, [label, labels, values, horizontal]);
  return (
    <div className="chart" style={{ height: horizontal ? Math.max(160, labels.length * 32) : 260 }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
