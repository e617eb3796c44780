// Dates and numbers in the browser's locale. API dates are ISO strings; date-only values are local days.

const locale = () => (typeof navigator !== 'undefined' ? navigator.language : 'en-US');

function parseDay(iso: string): Date {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function toDate(iso: string): Date {
  return iso.length <= 10 ? parseDay(iso) : new Date(iso);
}

export function formatDate(iso: string | null | undefined, opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' }): string {
  if (!iso) return '—';
  const date = toDate(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), opts).format(date);
}

/** The year, only when the date's (local) year is not the current one: "15 Dec", "15 Dec 2025". */
function yearUnlessCurrent(iso: string, now: Date): Intl.DateTimeFormatOptions {
  const date = toDate(iso);
  return Number.isNaN(date.getTime()) || date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' };
}

/** A day, short: "15 Dec" this year, "15 Dec 2025" in another. */
export function formatShortDate(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  return formatDate(iso, { day: 'numeric', month: 'short', ...yearUnlessCurrent(iso, now) });
}

/** A moment: "2 Nov, 10:00" this year, "2 Nov 2025, 10:00" in another. */
export function formatDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  return formatDate(iso, { day: 'numeric', month: 'short', ...yearUnlessCurrent(iso, now), hour: '2-digit', minute: '2-digit' });
}

export function formatNumber(n: number, opts?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale(), opts).format(n);
}

export function formatPercent(n: number): string {
  return formatNumber(n / 100, { style: 'percent', maximumFractionDigits: 0 });
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(0, 'second');
}

export const humanize = (value: string) => value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
