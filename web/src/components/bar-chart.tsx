/**
 * A stacked bar chart in SVG, with the same figures in a table for screen readers and
 * keyboard users. Written here rather than taken from a charting library: the ones that
 * fit draw on a canvas (nothing for assistive technology to read) or write inline styles
 * that the console's Content-Security-Policy refuses, and this is one loop of rectangles.
 */
import type { Chart } from '../lib/usage-series.js';

const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#9d174d'];
const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 56, right: 8, top: 8, bottom: 28 };

export function StackedBarChart({ chart, title, format, labelOf }: { chart: Chart; title: string; format(value: number): string; labelOf(group: string): string }) {
  const { starts, series, max } = chart;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = starts.length > 0 ? plotWidth / starts.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.8);
  const y = (value: number) => (max > 0 ? (value / max) * plotHeight : 0);
  const shown = series.slice(0, PALETTE.length);
  const tick = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {starts.length === 0 ? (
        <p>No calls in this range.</p>
      ) : (
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}: ${shown.map((s) => `${labelOf(s.group)} ${format(s.total)}`).join(', ')}`}>
          <line x1={PAD.left} y1={PAD.top + plotHeight} x2={WIDTH - PAD.right} y2={PAD.top + plotHeight} class="axis" />
          <text x={PAD.left - 6} y={PAD.top + 10} class="tick" text-anchor="end">
            {format(max)}
          </text>
          <text x={PAD.left - 6} y={PAD.top + plotHeight} class="tick" text-anchor="end">
            0
          </text>
          {starts.map((start, i) => {
            let base = PAD.top + plotHeight;
            return (
              <g key={start} data-start={start}>
                {shown.map((s, k) => {
                  const height = y(s.values[i]!);
                  base -= height;
                  return height > 0 ? <rect key={s.group} x={PAD.left + i * slot + (slot - barWidth) / 2} y={base} width={barWidth} height={height} fill={PALETTE[k]} /> : null;
                })}
              </g>
            );
          })}
          <text x={PAD.left} y={HEIGHT - 8} class="tick">
            {tick(starts[0]!)}
          </text>
          <text x={WIDTH - PAD.right} y={HEIGHT - 8} class="tick" text-anchor="end">
            {tick(starts[starts.length - 1]!)}
          </text>
        </svg>
      )}
      <ul class="legend">
        {shown.map((s, k) => (
          <li key={s.group}>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={PALETTE[k]} />
            </svg>{' '}
            {labelOf(s.group)}: {format(s.total)}
          </li>
        ))}
        {series.length > shown.length && <li>and {series.length - shown.length} more (in the table)</li>}
      </ul>
    </figure>
  );
}
