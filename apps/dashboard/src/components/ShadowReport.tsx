import { api, call, type Schemas } from '../api';
import { formatPercent } from '../format';
import { useResource } from '../use-resource';
import { LineChart, type ChartSeries } from './LineChart';
import { ErrorNote } from './Notice';

type Pair = Schemas['ShadowPairDto'];

/** Comparisons are kept per minute; a refresh every 15 s shows a new minute soon after it closes. */
const REFRESH_MS = 15_000;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/**
 * How the shadow answered the copies of real traffic over the last hour, against the answers the
 * clients got (GET /api/models/{name}/deployment/shadow): per pair of versions, the share of
 * classifier rows where both picked the same class, how far the numbers moved, and the copies that
 * failed or were dropped. Shown while there is a shadow or comparisons in the hour.
 */
export function ShadowReport({ name, revision }: { name: string; revision: number }) {
  const report = useResource(() => call(api.GET('/api/models/{name}/deployment/shadow', { params: { path: { name } } })), [name, revision], REFRESH_MS);
  const data = report.data;
  if (report.error && !data) return <ErrorNote>{report.error}</ErrorNote>;
  if (!data || (data.shadow === null && data.comparisons.length === 0)) return null;

  const times = [...new Set(data.comparisons.flatMap((pair) => pair.points.map((point) => Date.parse(point.time))))].sort((a, b) => a - b);
  const agreement: ChartSeries[] = data.comparisons.map((pair, index) => {
    const byTime = new Map(pair.points.map((point) => [Date.parse(point.time), point.agreementRate]));
    return {
      label: pairLabel(pair),
      color: COLORS[index % COLORS.length],
      values: times.map((time) => {
        const rate = byTime.get(time);
        return rate === undefined || rate === null ? null : rate * 100;
      }),
    };
  });

  return (
    <section aria-label="Shadow comparison">
      <h3>Shadow comparison, last hour</h3>
      {data.comparisons.length === 0 ? (
        <p className="muted">No copies compared yet: v{data.shadow?.version} receives {data.shadow?.percent}% of the unpinned requests once they arrive.</p>
      ) : (
        <>
          <table className="list" aria-label="Shadow pairs">
            <thead>
              <tr>
                <th>Answered by</th>
                <th>Shadow</th>
                <th className="number">Compared</th>
                <th className="number">Same class</th>
                <th className="number">Mean |diff|</th>
                <th className="number">Max |diff|</th>
                <th className="number">Failed</th>
                <th className="number">Dropped</th>
              </tr>
            </thead>
            <tbody>
              {data.comparisons.map((pair) => (
                <tr key={`${pair.primaryVersion}-${pair.shadowVersion}`} data-pair={`${pair.primaryVersion}-${pair.shadowVersion}`}>
                  <td>v{pair.primaryVersion}</td>
                  <td>v{pair.shadowVersion}</td>
                  <td className="number">{pair.totals.requests}</td>
                  <td className="number" title={`${pair.totals.agreeingRows} of ${pair.totals.rows} classifier rows`}>
                    {formatPercent(pair.totals.agreementRate)}
                  </td>
                  <td className="number">{formatDiff(pair.totals.meanAbsDiff)}</td>
                  <td className="number">{formatDiff(pair.totals.maxAbsDiff)}</td>
                  <td className="number">{pair.totals.errors}</td>
                  <td className="number">{pair.totals.dropped}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Same class: classifier rows where the shadow picked the class the client was given. Failed: the shadow errored, missed its deadline or answered another shape. Dropped: picked
            but not run, because the shadow was not ready or was at its bound.
          </p>
          {agreement.some((line) => line.values.some((value) => value !== null)) && (
            <div className="charts">
              <LineChart title="Same class per minute" times={times} series={agreement} format={(percent) => formatPercent(percent / 100)} unit="%" ceiling={100} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function pairLabel(pair: Pair): string {
  return `v${pair.primaryVersion} vs shadow v${pair.shadowVersion}`;
}

function formatDiff(value: number | null): string {
  if (value === null) return '—';
  return value === 0 ? '0' : value < 0.001 ? value.toExponential(1) : value.toPrecision(3);
}
