import { useState } from 'react';
import { api, call } from '../api';
import { formatMs, formatPercent, formatRate } from '../format';
import { useResource } from '../use-resource';
import { ErrorNote } from './Notice';
import { LineChart, type ChartSeries } from './LineChart';

const RANGES = [
  { label: '15 minutes', minutes: 15, step: 60 },
  { label: '1 hour', minutes: 60, step: 60 },
  { label: '6 hours', minutes: 360, step: 300 },
  { label: '24 hours', minutes: 1440, step: 900 },
] as const;
/** The stored resolution is one minute; a refresh every 15 s shows a new minute soon after it closes. */
const REFRESH_MS = 15_000;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** Latency, traffic and errors per version, from the API's chart series (GET /api/models/{name}/metrics). */
export function TrafficCharts({ name }: { name: string }) {
  const [rangeIndex, setRangeIndex] = useState(1);
  const range = RANGES[rangeIndex];
  const series = useResource(
    () => {
      // Whole minutes, so that every refresh asks for the same aligned steps.
      const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
      const from = new Date(to.getTime() - range.minutes * 60_000);
      return call(api.GET('/api/models/{name}/metrics', { params: { path: { name }, query: { from: from.toISOString(), to: to.toISOString(), step: String(range.step) } } }));
    },
    [name, range],
    REFRESH_MS,
  );

  const versions = series.data?.versions ?? [];
  const times = versions[0]?.points.map((point) => Date.parse(point.time)) ?? [];
  const color = (index: number) => COLORS[index % COLORS.length];
  const latency: ChartSeries[] = versions.flatMap((version, index) => [
    { label: `v${version.version} p50`, color: color(index), values: version.points.map((point) => point.p50Ms) },
    { label: `v${version.version} p99`, color: color(index), dashed: true, values: version.points.map((point) => point.p99Ms) },
  ]);
  const traffic: ChartSeries[] = versions.map((version, index) => ({
    label: `v${version.version} requests/s`,
    color: color(index),
    values: version.points.map((point) => (point.requests > 0 ? point.requestRate : null)),
  }));
  const errors: ChartSeries[] = versions.map((version, index) => ({
    label: `v${version.version} errors`,
    color: color(index),
    // In percent, so that the axis reads 0.5% rather than 0.005.
    values: version.points.map((point) => (point.errorRate === null ? null : point.errorRate * 100)),
  }));

  return (
    <section aria-label="Traffic and latency">
      <div className="heading">
        <h2>Traffic and latency</h2>
        <label className="inline">
          Range{' '}
          <select value={rangeIndex} onChange={(event) => setRangeIndex(Number(event.target.value))}>
            {RANGES.map((option, index) => (
              <option key={option.label} value={index}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote>{series.error}</ErrorNote>
      {series.data && (
        <div className="charts">
          <LineChart title="Latency per version (p50 solid, p99 dashed)" times={times} series={latency} format={formatMs} unit=" ms" />
          <LineChart title="Requests per second" times={times} series={traffic} format={formatRate} />
          <LineChart title="Error rate (5xx)" times={times} series={errors} format={(percent) => formatPercent(percent / 100)} unit="%" />
        </div>
      )}
      {series.loading && !series.data && <p className="loading">Loading…</p>}
    </section>
  );
}
