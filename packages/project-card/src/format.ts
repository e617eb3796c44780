const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` as a UTC timestamp, or null when malformed. */
export function parseIsoDate(value: string): number | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const time = Date.UTC(y, m - 1, d);
  const check = new Date(time);
  return check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? time : null;
}

/**
 * Formats a calendar date for `locale` (the browser's when undefined). The date
 * is read and printed in UTC, so 1 Dec stays 1 Dec in every time zone.
 */
export function formatDate(value: string, locale?: string | undefined, options?: Intl.DateTimeFormatOptions): string {
  const time = parseIsoDate(value);
  if (time === null) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...options, timeZone: 'UTC' }).format(time);
}

/** Today's local calendar date as `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Up to two initials: first letters of the first and last words. */
export function initials(name: string, locale?: string | undefined): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return '?';
  const letters = [Array.from(first)[0]];
  const last = words.length > 1 ? words.at(-1) : undefined;
  if (last) letters.push(Array.from(last)[0]);
  return letters.join('').toLocaleUpperCase(locale);
}
