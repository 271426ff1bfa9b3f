// How usage figures read, on the server-rendered tables and in the charts
// alike. Times are UTC everywhere in Portico.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en");
}

/** A share (0..1) as a percentage, never rounding a small non-zero share to "0%". */
export function formatShare(share: number | null | undefined): string {
  if (share == null || !Number.isFinite(share)) return "—";
  const percent = share * 100;
  if (percent === 0) return "0%";
  if (percent < 0.1) return "<0.1%";
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent).toLocaleString("en")}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "—";
  if (ms === 0) return "0 ms";
  if (ms >= 1_000) return `${(ms / 1_000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1_000 && unit < units.length - 1) {
    value /= 1_000;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function clockOf(t: number): string {
  const date = new Date(t);
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

export function dayOf(t: number): string {
  const date = new Date(t);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
}

/** An axis tick: the time of day for short ranges, the day for long ones. */
export function tickLabel(t: number, tickEveryMs: number): string {
  return tickEveryMs >= DAY ? dayOf(t) : clockOf(t);
}

/** A chart interval in a tooltip: "Nov 26, 14:15–14:30 UTC". */
export function intervalLabel(t: number, stepMs: number): string {
  const end = t + stepMs;
  const sameDay = new Date(t).getUTCDate() === new Date(end - 1).getUTCDate();
  return `${dayOf(t)}, ${clockOf(t)}–${sameDay ? "" : `${dayOf(end)} `}${clockOf(end)} UTC`;
}

/** "per minute", "per 15 minutes", "per hour". */
export function perStep(stepMs: number): string {
  const minutes = stepMs / MINUTE;
  if (minutes === 1) return "per minute";
  if (minutes < 60) return `per ${minutes} minutes`;
  if (minutes === 60) return "per hour";
  return `per ${minutes / 60} hours`;
}
