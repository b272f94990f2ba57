// A time-series chart on uPlot (served from /assets/vendor/uplot): days on the x axis, one line per
// series, sized to its container (it follows resizes, so it fits a phone). Every chart comes with
// its numbers as a table under "Show the numbers", for screen readers and for people who prefer them.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

const COLORS = ['#1f5fbf', '#c2410c', '#137333', '#7c3aed', '#b42318', '#0e7490'];

/**
 * @param {{ label: string, days: string[], series: Array<{ label: string, values: Array<number | null>, color?: string, dash?: boolean, bars?: boolean }>, height?: number, unit?: string, integer?: boolean }} props
 *   `integer`: counts (tickets, workloads): the y axis steps in whole numbers.
 */
export function TimeChart({ label, days, series, height = 240, unit = '', integer = false }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const opts = {
      width: Math.max(element.clientWidth, 260),
      height,
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.15)] } },
      axes: [
        { stroke: '#5b6776', grid: { stroke: '#edf0f4' } },
        { stroke: '#5b6776', grid: { stroke: '#edf0f4' }, size: 50, ...(integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] } : {}), values: (_u, ticks) => ticks.map((t) => `${Number.isInteger(t) ? t : t.toFixed(1)}${unit ? ` ${unit}` : ''}`) },
      ],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        { value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? COLORS[i % COLORS.length],
          width: 2,
          dash: s.dash ? [6, 4] : undefined,
          fill: s.bars ? `${s.color ?? COLORS[i % COLORS.length]}33` : undefined,
          paths: s.bars ? uPlot.paths.bars({ size: [0.6, 24] }) : undefined,
          points: { show: true, size: 6 },
          spanGaps: true,
        })),
      ],
    };
    plot.current = new uPlot(opts, [xs, ...series.map((s) => s.values)], element);
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(element.clientWidth, 260), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [JSON.stringify([days, series]), height, unit, integer]);

  return html`
    <figure class="chart">
      <div class="chart-box" ref=${box} role="img" aria-label=${`${label}: chart; the numbers follow`}></div>
      <figcaption class="visually-hidden">${label}</figcaption>
      <details class="chart-numbers">
        <summary>Show the numbers</summary>
        <div class="table-scroll">
          <table class="data-table compact" aria-label=${label}>
            <thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
            <tbody>
              ${days.map((d, i) => (series.some((s) => s.values[i] != null && s.values[i] !== 0) ? html`<tr><td>${d}</td>${series.map((s) => html`<td>${s.values[i] ?? '—'}</td>`)}</tr>` : null))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  `;
}
