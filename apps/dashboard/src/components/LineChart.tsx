import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { axisLabel, niceCeiling } from './chart-scale';

export interface ChartSeries {
  label: string;
  color: string;
  dashed?: boolean;
  /** One value per time; null where there is nothing to draw (no requests in that step). */
  values: Array<number | null>;
}

const HEIGHT = 220;
const PAD = { left: 58, right: 12, top: 12, bottom: 26 };

/**
 * A line chart drawn as SVG: the series share the time axis, gaps stay gaps (a step without
 * requests has no latency, and drawing it as 0 would lie), and the y axis starts at zero.
 */
export function LineChart({
  title,
  times,
  series,
  format,
  unit = '',
  ceiling,
}: {
  title: string;
  times: number[];
  series: ChartSeries[];
  format(value: number): string;
  unit?: string;
  /** The top of the y axis where the values have one (a share in percent: 100); otherwise a round number above the largest value. */
  ceiling?: number;
}) {
  const titleId = useId();
  // Drawn at the size it is shown, so that its text stays the page's size whatever the width.
  const frame = useRef<HTMLDivElement>(null);
  const width = useWidth(frame);
  const drawn = series.filter((line) => line.values.some((value) => value !== null));
  const max = Math.max(0, ...drawn.flatMap((line) => line.values.filter((value): value is number => value !== null)));
  const top = ceiling ?? niceCeiling(max);
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? first + 1;
  const x = (time: number) => PAD.left + ((time - first) / Math.max(1, last - first)) * (width - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((share) => share * top);
  const xTicks = times.length > 1 ? [0, 0.25, 0.5, 0.75, 1].map((share) => first + share * (last - first)) : [];

  return (
    <figure className="chart">
      <figcaption id={titleId}>{title}</figcaption>
      <div ref={frame}>
        {drawn.length === 0 ? (
          <p className="empty">No requests in this range.</p>
        ) : (
          <svg viewBox={`0 0 ${width} ${HEIGHT}`} width={width} height={HEIGHT} role="img" aria-labelledby={titleId}>
            {yTicks.map((tick) => (
              <g key={tick} className="grid">
                <line x1={PAD.left} x2={width - PAD.right} y1={y(tick)} y2={y(tick)} />
                <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end">
                  {axisLabel(tick, top / 4, unit)}
                </text>
              </g>
            ))}
            {xTicks.map((tick, index) => (
              <text key={tick} className="axis" x={x(tick)} y={HEIGHT - 6} textAnchor={index === 0 ? 'start' : index === xTicks.length - 1 ? 'end' : 'middle'}>
                {new Date(tick).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
              </text>
            ))}
            {drawn.map((line) => (
              <g key={line.label} data-series={line.label}>
                <path d={pathOf(line.values, times, x, y)} fill="none" stroke={line.color} strokeWidth={2} strokeLinejoin="round" strokeDasharray={line.dashed ? '5 4' : undefined}>
                  <title>{line.label}</title>
                </path>
                {/* A point with no neighbour (one minute of traffic between quiet ones) has no line to be part of: mark it. */}
                {line.values.map((value, index) =>
                  value !== null && (line.values[index - 1] ?? null) === null && (line.values[index + 1] ?? null) === null ? (
                    <circle key={index} cx={x(times[index])} cy={y(value)} r={3} fill={line.dashed ? '#fff' : line.color} stroke={line.color} strokeWidth={1.5}>
                      <title>{`${line.label}: ${format(value)} at ${new Date(times[index]).toLocaleTimeString()}`}</title>
                    </circle>
                  ) : null,
                )}
              </g>
            ))}
          </svg>
        )}
      </div>
      {drawn.length > 0 && (
        <ul className="legend">
          {drawn.map((line) => (
            <li key={line.label}>
              <span className={`swatch${line.dashed ? ' dashed' : ''}`} style={{ borderColor: line.color }} />
              {line.label}: {summaryOf(line.values, format)}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** The element's width in CSS pixels, followed as the window resizes. */
function useWidth(element: RefObject<HTMLDivElement | null>, fallback = 640): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(240, Math.floor(entry.contentRect.width))));
    observer.observe(target);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

function pathOf(values: Array<number | null>, times: number[], x: (time: number) => number, y: (value: number) => number): string {
  let path = '';
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(times[index]).toFixed(1)},${y(value).toFixed(1)}`;
    drawing = true;
  });
  return path;
}

function summaryOf(values: Array<number | null>, format: (value: number) => string): string {
  const latest = [...values].reverse().find((value): value is number => value !== null);
  return latest === undefined ? '—' : `latest ${format(latest)}`;
}
