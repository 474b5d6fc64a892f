/**
 * When a voucher (or campaign) may be used. Pure: `now` is a parameter. All clock fields are
 * read in UTC (the contract has no time zone on vouchers).
 */
export interface DailyHours {
  /** "HH:mm" */
  start_time: string;
  /** "HH:mm"; at or before start_time means the window runs past midnight. */
  expiration_time: string;
  /** 0 = Sunday … 6 = Saturday; the days the window opens. */
  days_of_week?: number[] | null;
}

export interface ValidityWindow {
  start_date?: Date | string | null;
  expiration_date?: Date | string | null;
  validity_day_of_week?: number[] | null;
  /** ISO 8601 durations: active for `duration` at the start of every `interval` from start_date. */
  validity_timeframe?: { interval?: string | null; duration?: string | null } | null;
  validity_hours?: { daily?: DailyHours[] | null } | null;
}

export type ValidityStatus =
  'ok' | 'voucher_not_active' | 'voucher_expired' | 'voucher_not_active_now';

export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses `P1Y2M3W4DT5H6M7S` (any part optional, at least one present); null when invalid. */
export function parseIsoDuration(text: string | null | undefined): IsoDuration | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const m = DURATION.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T'))
    return null;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const d = {
    years: n(1),
    months: n(2),
    weeks: n(3),
    days: n(4),
    hours: n(5),
    minutes: n(6),
    seconds: n(7),
  };
  return Object.values(d).some((v) => v > 0) ? d : null;
}

/** `start + k × duration`, calendar-aware for years and months (UTC), exact for the rest. */
export function addDuration(start: Date, d: IsoDuration, k = 1): Date {
  const out = new Date(start.getTime());
  if (d.years || d.months) {
    const day = out.getUTCDate();
    out.setUTCDate(1);
    out.setUTCMonth(out.getUTCMonth() + k * (d.years * 12 + d.months));
    // Clamp to the month's last day (Jan 31 + P1M = Feb 28/29), as calendars do.
    const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
    out.setUTCDate(Math.min(day, last));
  }
  const fixedMs =
    (((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60_000 + d.seconds * 1000;
  return new Date(out.getTime() + k * fixedMs);
}

function approxMs(d: IsoDuration): number {
  return addDuration(new Date(Date.UTC(2001, 0, 1)), d).getTime() - Date.UTC(2001, 0, 1);
}

/** Whether `now` falls in an active `duration` at the start of some `interval` since `start`. */
export function inTimeframe(
  start: Date,
  interval: IsoDuration,
  duration: IsoDuration,
  now: Date,
): boolean {
  if (now < start) return false;
  const step = approxMs(interval);
  let k = Math.floor((now.getTime() - start.getTime()) / step);
  // The estimate is off by at most a few periods when months have different lengths.
  while (k > 0 && addDuration(start, interval, k) > now) k--;
  while (addDuration(start, interval, k + 1) <= now) k++;
  const periodStart = addDuration(start, interval, k);
  return now < addDuration(periodStart, duration);
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function inDailyHours(entry: DailyHours, now: Date): boolean {
  const start = minutesOf(entry.start_time);
  const end = minutesOf(entry.expiration_time);
  if (start === null || end === null) return false;
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  const today = now.getUTCDay();
  const yesterday = (today + 6) % 7;
  const days =
    entry.days_of_week && entry.days_of_week.length ? entry.days_of_week : [0, 1, 2, 3, 4, 5, 6];
  if (start < end) return days.includes(today) && minute >= start && minute < end;
  // Past midnight: the evening part belongs to the listed day, the morning part to the next.
  return (days.includes(today) && minute >= start) || (days.includes(yesterday) && minute < end);
}

const toDate = (v: Date | string | null | undefined): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * Checks, in this order: start_date (voucher_not_active), expiration_date (voucher_expired),
 * then validity_day_of_week, validity_timeframe and validity_hours (voucher_not_active_now).
 * An expiration_date is the last valid instant (inclusive).
 */
export function evaluateValidity(window: ValidityWindow, now: Date): ValidityStatus {
  const start = toDate(window.start_date);
  const end = toDate(window.expiration_date);
  if (start && now < start) return 'voucher_not_active';
  if (end && now > end) return 'voucher_expired';
  const days = window.validity_day_of_week;
  if (days && days.length > 0 && !days.includes(now.getUTCDay())) return 'voucher_not_active_now';
  const tf = window.validity_timeframe;
  if (tf && (tf.interval || tf.duration)) {
    const interval = parseIsoDuration(tf.interval);
    const duration = parseIsoDuration(tf.duration);
    // A timeframe needs its anchor and both durations; a broken one fails closed.
    if (!start || !interval || !duration || !inTimeframe(start, interval, duration, now)) {
      return 'voucher_not_active_now';
    }
  }
  const daily = window.validity_hours?.daily;
  if (daily && daily.length > 0 && !daily.some((entry) => inDailyHours(entry, now))) {
    return 'voucher_not_active_now';
  }
  return 'ok';
}

/** Problems with a window at creation time (for the vouchers/campaigns DTO layer). */
export function validityWindowProblems(window: ValidityWindow): string[] {
  const problems: string[] = [];
  const start = toDate(window.start_date);
  const end = toDate(window.expiration_date);
  if (window.start_date && !start) problems.push('start_date is not a valid date');
  if (window.expiration_date && !end) problems.push('expiration_date is not a valid date');
  if (start && end && end < start) problems.push('expiration_date is before start_date');
  const days = window.validity_day_of_week;
  if (days && days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    problems.push('validity_day_of_week must hold integers 0 (Sunday) to 6 (Saturday)');
  }
  const tf = window.validity_timeframe;
  if (tf && (tf.interval || tf.duration)) {
    const interval = parseIsoDuration(tf.interval);
    const duration = parseIsoDuration(tf.duration);
    if (!interval) problems.push('validity_timeframe.interval is not an ISO 8601 duration');
    if (!duration) problems.push('validity_timeframe.duration is not an ISO 8601 duration');
    if (!start) problems.push('validity_timeframe needs start_date');
  }
  (window.validity_hours?.daily ?? []).forEach((entry, i) => {
    if (minutesOf(entry.start_time) === null)
      problems.push(`validity_hours.daily[${i}].start_time must be HH:mm`);
    if (minutesOf(entry.expiration_time) === null)
      problems.push(`validity_hours.daily[${i}].expiration_time must be HH:mm`);
    if ((entry.days_of_week ?? []).some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
      problems.push(`validity_hours.daily[${i}].days_of_week must hold integers 0 to 6`);
    }
  });
  return problems;
}
