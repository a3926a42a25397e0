/** The ratio table and the SVG chart of a bench/compare run. */
import type { LatencyResult, ThroughputResult } from './runs.js';

export interface DriverResult {
  topology: string;
  runner: 'ours' | 'java';
  records: number;
  recordsPerSecond: number;
  loadAverage: number;
}

export interface CompareResults {
  date: string;
  machine: { cpus: number; node: string; java: string };
  options: Record<string, unknown>;
  elapsedSeconds: number;
  failures: { phase: string; topology: string; guarantee: string; runner: string; error: string }[];
  throughput: ThroughputResult[];
  latency: LatencyResult[];
  driver: DriverResult[];
}

export const RUNNERS = ['ours', 'java', 'flow'] as const;

/** One metric of one row: a value per runner, and whether higher is better. */
interface Row {
  label: string;
  guarantee: string;
  metric: string;
  higherIsBetter: boolean;
  values: Partial<Record<(typeof RUNNERS)[number], { value: number | null; load: number; note?: string }>>;
}

const GUARANTEE = { at_least_once: 'alos', exactly_once_v2: 'eos' } as Record<string, string>;

function rows(r: CompareResults): Row[] {
  const out: Row[] = [];
  const keys = [...new Set([...r.throughput, ...r.latency].map((x) => `${x.topology} ${x.guarantee}`))];
  for (const key of keys) {
    const [topology, guarantee] = key.split(' ') as [string, string];
    const t = r.throughput.filter((x) => x.topology === topology && x.guarantee === guarantee);
    const l = r.latency.filter((x) => x.topology === topology && x.guarantee === guarantee);
    const add = <T extends ThroughputResult | LatencyResult>(metric: string, higherIsBetter: boolean, from: T[], value: (x: T) => number | null) => {
      if (from.length === 0) return;
      const values: Row['values'] = {};
      for (const x of from) {
        // a timed-out run has a rate only for what it did; its CPU and RSS compare with nothing
        const timedOut = 'partialRecordsPerSecond' in x && x.recordsPerSecond === null;
        // a runner slower than the load answers nothing sent after the warm-up within the run
        const behind = 'measured' in x && x.measured === 0;
        const note = timedOut && metric === 'records/s' ? `timed out; ${Math.round(x.partialRecordsPerSecond ?? 0)}/s before` : behind ? 'fell behind the load' : undefined;
        values[x.runner as (typeof RUNNERS)[number]] = { value: timedOut ? null : value(x), load: x.loadAverage, note };
      }
      out.push({ label: topology, guarantee: GUARANTEE[guarantee] ?? guarantee, metric, higherIsBetter, values });
    };
    add('records/s', true, t, (x) => x.recordsPerSecond);
    add('CPU s', false, t, (x) => x.cpuSeconds);
    add('peak RSS MiB', false, t, (x) => x.peakRssMiB);
    add('p50 ms', false, l, (x) => x.p50);
    add('p99 ms', false, l, (x) => x.p99);
  }
  for (const topology of [...new Set(r.driver.map((x) => x.topology))]) {
    const values: Row['values'] = {};
    for (const x of r.driver.filter((d) => d.topology === topology)) values[x.runner] = { value: x.recordsPerSecond, load: x.loadAverage };
    out.push({ label: topology, guarantee: 'driver', metric: 'records/s', higherIsBetter: true, values });
  }
  return out;
}

/** How many times better ours is: ours/other when higher is better, other/ours when lower is. */
function factor(row: Row, other: (typeof RUNNERS)[number]): number | null {
  const o = row.values.ours?.value;
  const x = row.values[other]?.value;
  if (o == null || x == null || !(o > 0) || !(x > 0)) return null;
  return row.higherIsBetter ? o / x : x / o;
}

const fmt = (v: number | null | undefined): string => (v == null || Number.isNaN(v) ? '-' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(1));

export function table(r: CompareResults): string {
  const head = ['topology', 'mode', 'metric', 'ours', 'Java', 'flow', '× Java', '× flow', 'load avg (ours/Java/flow)'];
  const lines = rows(r).map((row) => [
    row.label,
    row.guarantee,
    row.metric,
    ...RUNNERS.map((n) => (row.values[n]?.note ? `- (${row.values[n]!.note})` : fmt(row.values[n]?.value))),
    ...(['java', 'flow'] as const).map((n) => {
      const f = factor(row, n);
      return f === null ? '-' : `${f.toFixed(2)}×`;
    }),
    RUNNERS.map((n) => row.values[n]?.load.toFixed(1) ?? '-').join('/'),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    render(head),
    ...lines.map(render),
    '',
    '× = how many times better ours is: ours/other for records/s, other/ours for CPU s, peak RSS and latency.',
  ].join('\n');
}

const COLORS: Record<(typeof RUNNERS)[number], string> = { ours: '#2b6cb0', java: '#c05621', flow: '#2f855a' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Grouped bars of one metric (one group per row, one bar per runner), at vertical offset `y`. */
function panel(title: string, chartRows: Row[], y: number, width: number): { svg: string; height: number } {
  const height = 260;
  const top = y + 30;
  const plot = { left: 70, right: width - 20, top, bottom: top + 170 };
  const max = Math.max(1, ...chartRows.flatMap((row) => RUNNERS.map((n) => row.values[n]?.value ?? 0)));
  const groupWidth = (plot.right - plot.left) / Math.max(1, chartRows.length);
  const bar = Math.min(28, (groupWidth - 12) / RUNNERS.length);
  const parts = [
    `<text x="${plot.left}" y="${y + 18}" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#333"/>`,
    `<text x="${plot.left - 6}" y="${plot.top + 4}" font-size="10" text-anchor="end">${fmt(max)}</text>`,
    `<text x="${plot.left - 6}" y="${plot.bottom}" font-size="10" text-anchor="end">0</text>`,
  ];
  chartRows.forEach((row, g) => {
    const x0 = plot.left + g * groupWidth + (groupWidth - bar * RUNNERS.length) / 2;
    RUNNERS.forEach((n, i) => {
      const v = row.values[n]?.value;
      if (v == null || Number.isNaN(v)) return;
      const h = ((plot.bottom - plot.top) * v) / max;
      const x = x0 + i * bar;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(plot.bottom - h).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[n]}"><title>${n}: ${fmt(v)}</title></rect>`);
      parts.push(`<text x="${(x + bar / 2 - 1).toFixed(1)}" y="${(plot.bottom - h - 3).toFixed(1)}" font-size="9" text-anchor="middle">${fmt(v)}</text>`);
    });
    const cx = plot.left + (g + 0.5) * groupWidth;
    parts.push(`<text x="${cx.toFixed(1)}" y="${plot.bottom + 14}" font-size="10" text-anchor="middle">${esc(row.label)}</text>`);
    parts.push(`<text x="${cx.toFixed(1)}" y="${plot.bottom + 26}" font-size="10" text-anchor="middle" fill="#555">${esc(row.guarantee)}</text>`);
  });
  return { svg: parts.join('\n'), height };
}

/** A hand-written SVG: throughput, p99 latency and driver throughput, one bar per runner. */
export function chart(r: CompareResults, subtitle: string): string {
  const all = rows(r);
  const width = Math.max(720, 70 + all.filter((x) => x.metric === 'records/s').length * 110);
  const panels: [string, Row[]][] = [
    ['Throughput on the broker (records/s, higher is better)', all.filter((x) => x.metric === 'records/s' && x.guarantee !== 'driver')],
    ['End-to-end latency p99 (ms, lower is better)', all.filter((x) => x.metric === 'p99 ms')],
    ['TopologyTestDriver throughput (records/s, higher is better)', all.filter((x) => x.guarantee === 'driver')],
  ];
  let y = 50;
  const body: string[] = [];
  for (const [title, chartRows] of panels) {
    if (chartRows.length === 0) continue;
    const p = panel(title, chartRows, y, width);
    body.push(p.svg);
    y += p.height;
  }
  const legend = RUNNERS.map((n, i) => `<rect x="${width - 260 + i * 85}" y="12" width="12" height="12" fill="${COLORS[n]}"/><text x="${width - 244 + i * 85}" y="22" font-size="12">${n}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">kstreams-ts vs Apache Kafka Streams vs @kafkats/flow</text>`,
    `<text x="10" y="40" font-size="11" fill="#555">${esc(subtitle)}</text>`,
    ...legend,
    ...body,
    '</svg>',
  ].join('\n');
}
