"use client";

// The usage charts (recharts): traffic stacked by status class, latency
// percentiles, error rates. Each takes one point per interval, starting at
// `t` (epoch ms, UTC), and draws on a time axis with ticks at round times.
import type { ReactElement } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatMs, intervalLabel, perStep, tickLabel } from "./format";

// Tailwind's palette: emerald-500, amber-500, red-600; sky-500, indigo-600, fuchsia-600; slate for the frame.
const COLOURS = {
  success: "#10b981",
  clientErrors: "#f59e0b",
  serverErrors: "#dc2626",
  p50: "#0ea5e9",
  p95: "#4f46e5",
  p99: "#c026d3",
  grid: "#e2e8f0",
  axis: "#64748b",
};

export interface TrafficPoint {
  t: number;
  success: number;
  clientErrors: number;
  serverErrors: number;
}

export interface LatencyPoint {
  t: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ErrorRatePoint {
  t: number;
  /** Percent of the interval's requests, null without requests. */
  rate4xx: number | null;
  rate5xx: number | null;
}

interface TimeAxis {
  /** Length of one interval. */
  stepMs: number;
  /** Ticks at every multiple of this (UTC): 10 minutes, 3 hours, a day... */
  tickEveryMs: number;
}

interface ChartProps<P> extends TimeAxis {
  points: P[];
  /** Names the figure for screen readers and tests. */
  label: string;
  height?: number;
}

const tickStyle = { fontSize: 12, fill: COLOURS.axis };

function xAxisProps({ stepMs, tickEveryMs }: TimeAxis, points: { t: number }[]) {
  const first = points[0]?.t ?? 0;
  const last = points.at(-1)?.t ?? 0;
  return {
    dataKey: "t",
    type: "number" as const,
    // Half an interval on each side, so the first and last bars are whole.
    domain: [first - stepMs / 2, last + stepMs / 2],
    ticks: points.filter((point) => point.t % tickEveryMs === 0).map((point) => point.t),
    tickFormatter: (t: number) => tickLabel(t, tickEveryMs),
    tick: tickStyle,
    stroke: COLOURS.axis,
    height: 36,
    label: { value: "Time (UTC)", position: "insideBottom" as const, offset: 0, fontSize: 12, fill: COLOURS.axis },
  };
}

function yLabel(value: string) {
  return { value, angle: -90, position: "insideLeft" as const, offset: 8, fontSize: 12, fill: COLOURS.axis, style: { textAnchor: "middle" as const } };
}

const legendProps = { verticalAlign: "top" as const, height: 28, iconType: "square" as const, wrapperStyle: { fontSize: 12 } };

function Figure({ label, height, children }: { label: string; height: number; children: ReactElement }) {
  return (
    <figure aria-label={label} className="w-full min-w-0" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

/** Requests per interval, stacked: successes, client errors (4xx), server errors (5xx). */
export function TrafficChart({ points, label, stepMs, tickEveryMs, height = 280 }: ChartProps<TrafficPoint>) {
  return (
    <Figure label={label} height={height}>
      <BarChart data={points} margin={{ top: 4, right: 12, bottom: 4, left: 12 }} barCategoryGap={1}>
        <CartesianGrid stroke={COLOURS.grid} vertical={false} />
        <XAxis {...xAxisProps({ stepMs, tickEveryMs }, points)} />
        <YAxis allowDecimals={false} tickFormatter={formatCount} tick={tickStyle} stroke={COLOURS.axis} width={76} label={yLabel(`requests ${perStep(stepMs)}`)} />
        <Tooltip
          cursor={{ fill: "#f1f5f9" }}
          labelFormatter={(t) => intervalLabel(Number(t), stepMs)}
          formatter={(value, name) => [formatCount(Number(value)), name]}
        />
        <Legend {...legendProps} />
        <Bar dataKey="success" name="2xx/3xx success" stackId="status" fill={COLOURS.success} isAnimationActive={false} />
        <Bar dataKey="clientErrors" name="4xx client errors" stackId="status" fill={COLOURS.clientErrors} isAnimationActive={false} />
        <Bar dataKey="serverErrors" name="5xx server errors" stackId="status" fill={COLOURS.serverErrors} isAnimationActive={false} />
      </BarChart>
    </Figure>
  );
}

/** Latency percentiles per interval; gaps where there was no request. */
export function LatencyChart({ points, label, stepMs, tickEveryMs, height = 260 }: ChartProps<LatencyPoint>) {
  return (
    <Figure label={label} height={height}>
      <LineChart data={points} margin={{ top: 4, right: 12, bottom: 4, left: 12 }}>
        <CartesianGrid stroke={COLOURS.grid} vertical={false} />
        <XAxis {...xAxisProps({ stepMs, tickEveryMs }, points)} />
        <YAxis tickFormatter={(ms: number) => formatMs(ms)} tick={tickStyle} stroke={COLOURS.axis} width={76} label={yLabel("latency")} />
        <Tooltip labelFormatter={(t) => intervalLabel(Number(t), stepMs)} formatter={(value, name) => [formatMs(value == null ? null : Number(value)), name]} />
        <Legend {...legendProps} />
        <Line dataKey="p50" name="p50" stroke={COLOURS.p50} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        <Line dataKey="p95" name="p95" stroke={COLOURS.p95} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        <Line dataKey="p99" name="p99" stroke={COLOURS.p99} strokeWidth={2} strokeDasharray="5 3" dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </Figure>
  );
}

/** The share of requests that failed per interval, client and server errors apart. */
export function ErrorRateChart({ points, label, stepMs, tickEveryMs, height = 260 }: ChartProps<ErrorRatePoint>) {
  return (
    <Figure label={label} height={height}>
      <LineChart data={points} margin={{ top: 4, right: 12, bottom: 4, left: 12 }}>
        <CartesianGrid stroke={COLOURS.grid} vertical={false} />
        <XAxis {...xAxisProps({ stepMs, tickEveryMs }, points)} />
        <YAxis domain={[0, (max: number) => Math.max(1, Math.ceil(max))]} tickFormatter={(percent: number) => `${percent}%`} tick={tickStyle} stroke={COLOURS.axis} width={76} label={yLabel("% of requests")} />
        <Tooltip labelFormatter={(t) => intervalLabel(Number(t), stepMs)} formatter={(value, name) => [value == null ? "—" : `${Number(value).toFixed(2)}%`, name]} />
        <Legend {...legendProps} />
        <Line dataKey="rate4xx" name="4xx client errors" stroke={COLOURS.clientErrors} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        <Line dataKey="rate5xx" name="5xx server errors" stroke={COLOURS.serverErrors} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </Figure>
  );
}
