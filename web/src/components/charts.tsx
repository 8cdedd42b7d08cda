// Small hand-drawn SVG charts (no chart library: a few hundred lines cost less than one).
// Every chart has a text alternative (role="img" + aria-label) and a title.

const PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#64748b", "#ca8a04"];
export const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  /** Its colour's place in the palette (default: the series' own place), so that a series keeps its
   * colour whichever others are drawn beside it. */
  color?: number;
}

const colorOfSeries = (s: Series, i: number) => s.color ?? i;

const W = 640;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

function ticks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const step = Math.max(1, Math.ceil(max / count));
  const out: number[] = [];
  for (let v = 0; v <= max; v += step) out.push(v);
  return out;
}

/** Lines over time; x is epoch milliseconds. The legend names the series: shown when there are
 * several, or with `legend` when which series is drawn is itself news (the jobs per state). */
export function LineChart({
  series,
  label,
  xFormat = (x) => new Date(x).toLocaleTimeString(),
  yLabel,
  legend = series.length > 1,
}: {
  series: Series[];
  label: string;
  xFormat?: (x: number) => string;
  yLabel?: string;
  legend?: boolean;
}) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="hint">No data yet.</p>;
  const minX = Math.min(...all.map((p) => p.x));
  const maxX = Math.max(...all.map((p) => p.x), minX + 1);
  const maxY = Math.max(1, ...all.map((p) => p.y));
  const sx = (x: number) => PAD.left + ((x - minX) / (maxX - minX)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - (y / maxY) * (H - PAD.top - PAD.bottom);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <title>{label}</title>
        {ticks(maxY).map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(v)} y2={sy(v)} className="grid" />
            <text x={PAD.left - 6} y={sy(v) + 4} textAnchor="end" className="axis">
              {v}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} className="axis">
          {xFormat(minX)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">
          {xFormat(maxX)}
        </text>
        {yLabel && (
          <text x={PAD.left + 4} y={PAD.top + 10} className="axis">
            {yLabel}
          </text>
        )}
        {series.map((s, i) => (
          <g key={s.name}>
            <polyline
              fill="none"
              stroke={colorOf(colorOfSeries(s, i))}
              strokeWidth={2}
              points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ")}
            />
            {/* Few points (a job's progress events): each is marked, so even one shows. */}
            {s.points.length <= 30 &&
              s.points.map((p, j) => (
                <circle key={j} cx={sx(p.x)} cy={sy(p.y)} r={3} fill={colorOf(colorOfSeries(s, i))} />
              ))}
          </g>
        ))}
      </svg>
      {legend && (
        <figcaption className="legend">
          {series.map((s, i) => (
            <span key={s.name}>
              <i className="swatch" data-color={colorOfSeries(s, i) % PALETTE.length} /> {s.name}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

const short = (label: string) => (label.length > 14 ? `${label.slice(0, 13)}…` : label);

export interface Bar {
  label: string;
  value: number;
}

/** Vertical bars (a histogram's bins, or counts per category). */
export function BarChart({ bars, label, compact = false }: { bars: Bar[]; label: string; compact?: boolean }) {
  const w = compact ? 240 : W;
  const h = compact ? 110 : H;
  const bottom = compact ? 18 : PAD.bottom;
  if (bars.length === 0) return <p className="hint">No data.</p>;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (w - 8) / bars.length;
  return (
    <figure className={compact ? "chart compact" : "chart"}>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
        <title>{label}</title>
        {bars.map((b, i) => {
          const bh = (b.value / max) * (h - bottom - 6);
          return (
            <rect
              key={i}
              x={4 + i * slot + 1}
              y={h - bottom - bh}
              width={Math.max(1, slot - 2)}
              height={bh}
              fill={colorOf(0)}
            >
              <title>{`${b.label}: ${b.value}`}</title>
            </rect>
          );
        })}
        <text x={4} y={h - 4} className="axis">
          {short(bars[0]!.label)}
        </text>
        {bars.length > 1 && (
          <text x={w - 4} y={h - 4} textAnchor="end" className="axis">
            {short(bars[bars.length - 1]!.label)}
          </text>
        )}
      </svg>
    </figure>
  );
}
