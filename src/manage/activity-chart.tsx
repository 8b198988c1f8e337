import type { ActivityBucket, AppActivity } from '../contract/activity.ts';

/** The series the chart draws, each with its colour (a CSS custom property). */
const series = [
  { field: 'sessions', label: 'Sessions', color: 'var(--chart-sessions)' },
  { field: 'chats', label: 'Chats', color: 'var(--accent)' },
  { field: 'refusals', label: 'Refusals', color: 'var(--danger)' },
] as const;

type Field = (typeof series)[number]['field'];

const amountOf = (bucket: ActivityBucket, field: Field) =>
  field === 'refusals' ? bucket.sessionRefusals + bucket.chatRefusals : bucket[field];

/** A bucket's start as the reader says it: an hour, or a day. */
export function bucketLabel(start: string, bucket: AppActivity['bucket']): string {
  const date = new Date(start);
  return bucket === 'hour'
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

const width = 720;
const height = 200;
const top = 12;
const bottom = 24;
const left = 36;

/**
 * Sessions, chats and refusals per bucket as grouped bars in one small SVG (no chart library).
 * The picture is one image with a summary for screen readers; the numbers are also in a table
 * under "Show as table".
 */
export function ActivityChart({ activity }: { activity: AppActivity }) {
  const { series: buckets, bucket, totals } = activity;
  const max = Math.max(1, ...buckets.flatMap((item) => series.map((s) => amountOf(item, s.field))));
  const slot = (width - left) / buckets.length;
  const bar = Math.max(1, (slot - 4) / series.length);
  const plot = height - top - bottom;
  const y = (value: number) => top + plot - (value / max) * plot;
  const unit = bucket === 'hour' ? 'hour' : 'day';
  const span = bucket === 'hour' ? 'the last 24 hours' : 'the last 30 days';
  const busiest = buckets.reduce<ActivityBucket | undefined>(
    (best, item) => (item.chats > (best?.chats ?? 0) ? item : best),
    undefined,
  );
  const refusals = totals.sessionRefusals + totals.chatRefusals;
  const summary = `Sessions, chats and refusals per ${unit} over ${span}: ${totals.sessions} sessions, ${totals.chats} chats, ${refusals} refusals${
    busiest ? `; most chats (${busiest.chats}) at ${bucketLabel(busiest.start, bucket)}` : ''
  }.`;
  const tickEvery = bucket === 'hour' ? 6 : 5;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        <line class="axis" x1={left} x2={width} y1={top + plot} y2={top + plot} />
        <text class="tick" x={left - 6} y={top + 4} text-anchor="end">
          {max}
        </text>
        <text class="tick" x={left - 6} y={top + plot} text-anchor="end">
          0
        </text>
        {buckets.map((item, index) => (
          <g key={item.start}>
            {series.map((s, which) => {
              const value = amountOf(item, s.field);
              return value === 0 ? null : (
                <rect
                  key={s.field}
                  x={left + index * slot + 2 + which * bar}
                  y={y(value)}
                  width={bar}
                  height={top + plot - y(value)}
                  fill={s.color}
                />
              );
            })}
            {index % tickEvery === 0 && (
              <text
                class="tick"
                x={left + index * slot + slot / 2}
                y={height - 6}
                text-anchor="middle"
              >
                {bucketLabel(item.start, bucket)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption class="legend">
        {series.map((s) => (
          <span key={s.field}>
            <span class="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
      <details>
        <summary>Show as table</summary>
        <table class="usage activity-table">
          <caption class="sr-only">Activity per {unit}</caption>
          <thead>
            <tr>
              <th scope="col">{bucket === 'hour' ? 'Hour' : 'Day'}</th>
              <th scope="col">Sessions</th>
              <th scope="col">Chats</th>
              <th scope="col">Refusals</th>
              <th scope="col">Helpful</th>
              <th scope="col">Not helpful</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((item) => (
              <tr key={item.start}>
                <th scope="row">{bucketLabel(item.start, bucket)}</th>
                <td>{item.sessions}</td>
                <td>{item.chats}</td>
                <td>{item.sessionRefusals + item.chatRefusals}</td>
                <td>{item.feedbackPositive}</td>
                <td>{item.feedbackNegative}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
