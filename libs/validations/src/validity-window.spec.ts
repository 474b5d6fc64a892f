import fc from 'fast-check';
import {
  addDuration,
  evaluateValidity,
  inTimeframe,
  parseIsoDuration,
  validityWindowProblems,
} from './validity-window';

const at = (iso: string) => new Date(iso);

describe('validity window', () => {
  it('no constraints: ok', () => {
    expect(evaluateValidity({}, at('2026-01-01T00:00:00Z'))).toBe('ok');
  });

  it('start_date and expiration_date (inclusive bounds)', () => {
    const w = { start_date: '2026-01-10T00:00:00Z', expiration_date: '2026-01-20T23:59:59Z' };
    expect(evaluateValidity(w, at('2026-01-09T23:59:59Z'))).toBe('voucher_not_active');
    expect(evaluateValidity(w, at('2026-01-10T00:00:00Z'))).toBe('ok');
    expect(evaluateValidity(w, at('2026-01-20T23:59:59Z'))).toBe('ok');
    expect(evaluateValidity(w, at('2026-01-21T00:00:00Z'))).toBe('voucher_expired');
  });

  it('validity_day_of_week (0 = Sunday, UTC)', () => {
    const w = { validity_day_of_week: [0, 6] };
    expect(evaluateValidity(w, at('2026-11-29T12:00:00Z'))).toBe('ok'); // Sunday
    expect(evaluateValidity(w, at('2026-11-28T12:00:00Z'))).toBe('ok'); // Saturday
    expect(evaluateValidity(w, at('2026-11-25T12:00:00Z'))).toBe('voucher_not_active_now'); // Wednesday
  });

  it('validity_timeframe: one hour every two days from start_date', () => {
    const w = {
      start_date: '2026-01-01T10:00:00Z',
      validity_timeframe: { interval: 'P2D', duration: 'PT1H' },
    };
    expect(evaluateValidity(w, at('2026-01-01T10:30:00Z'))).toBe('ok');
    expect(evaluateValidity(w, at('2026-01-01T11:00:00Z'))).toBe('voucher_not_active_now');
    expect(evaluateValidity(w, at('2026-01-02T10:30:00Z'))).toBe('voucher_not_active_now');
    expect(evaluateValidity(w, at('2026-01-03T10:59:59Z'))).toBe('ok');
    expect(evaluateValidity(w, at('2026-03-02T10:15:00Z'))).toBe('ok'); // day 60
  });

  it('validity_timeframe with months is calendar-aware', () => {
    const w = {
      start_date: '2026-01-31T00:00:00Z',
      validity_timeframe: { interval: 'P1M', duration: 'P1D' },
    };
    expect(evaluateValidity(w, at('2026-02-28T12:00:00Z'))).toBe('ok'); // Jan 31 + 1 month → Feb 28
    expect(evaluateValidity(w, at('2026-03-01T12:00:00Z'))).toBe('voucher_not_active_now');
    expect(evaluateValidity(w, at('2026-03-31T06:00:00Z'))).toBe('ok');
  });

  it('a timeframe without start_date or with a bad duration fails closed', () => {
    expect(
      evaluateValidity(
        { validity_timeframe: { interval: 'P1D', duration: 'PT1H' } },
        at('2026-01-01T00:00:00Z'),
      ),
    ).toBe('voucher_not_active_now');
    expect(
      evaluateValidity(
        {
          start_date: '2026-01-01T00:00:00Z',
          validity_timeframe: { interval: 'soon', duration: 'PT1H' },
        },
        at('2026-01-01T00:00:00Z'),
      ),
    ).toBe('voucher_not_active_now');
  });

  it('validity_hours.daily, including windows past midnight', () => {
    const w = {
      validity_hours: {
        daily: [
          { start_time: '09:00', expiration_time: '17:00', days_of_week: [1, 2, 3, 4, 5] },
          { start_time: '22:00', expiration_time: '02:00', days_of_week: [5] },
        ],
      },
    };
    expect(evaluateValidity(w, at('2026-11-25T09:00:00Z'))).toBe('ok'); // Wed
    expect(evaluateValidity(w, at('2026-11-25T17:00:00Z'))).toBe('voucher_not_active_now');
    expect(evaluateValidity(w, at('2026-11-28T10:00:00Z'))).toBe('voucher_not_active_now'); // Sat
    expect(evaluateValidity(w, at('2026-11-27T23:00:00Z'))).toBe('ok'); // Fri night
    expect(evaluateValidity(w, at('2026-11-28T01:59:00Z'))).toBe('ok'); // Sat early = Fri's window
    expect(evaluateValidity(w, at('2026-11-29T01:00:00Z'))).toBe('voucher_not_active_now'); // Sun early
  });

  it('checks start before expiry before the recurring constraints', () => {
    const w = {
      start_date: '2026-02-01T00:00:00Z',
      expiration_date: '2026-01-01T00:00:00Z',
      validity_day_of_week: [3],
    };
    expect(evaluateValidity(w, at('2026-01-15T00:00:00Z'))).toBe('voucher_not_active');
    expect(
      evaluateValidity(
        { expiration_date: '2026-01-01T00:00:00Z', validity_day_of_week: [] },
        at('2026-02-01T00:00:00Z'),
      ),
    ).toBe('voucher_expired');
  });

  it('parses ISO 8601 durations', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7S')).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
    });
    expect(parseIsoDuration('PT1H')).toMatchObject({ hours: 1 });
    for (const bad of ['P', 'PT', '1D', 'P1H', 'P0D', '', 'PT1H30', null, undefined]) {
      expect(parseIsoDuration(bad)).toBeNull();
    }
  });

  it('reports creation-time problems', () => {
    expect(validityWindowProblems({})).toEqual([]);
    expect(
      validityWindowProblems({
        start_date: 'nope',
        validity_day_of_week: [7],
        validity_timeframe: { interval: 'P1D', duration: 'x' },
        validity_hours: {
          daily: [{ start_time: '25:00', expiration_time: '10:00', days_of_week: [1] }],
        },
      }),
    ).toEqual([
      'start_date is not a valid date',
      'validity_day_of_week must hold integers 0 (Sunday) to 6 (Saturday)',
      'validity_timeframe.duration is not an ISO 8601 duration',
      'validity_timeframe needs start_date',
      'validity_hours.daily[0].start_time must be HH:mm',
    ]);
  });

  it('timeframe agrees with a step-by-step walk (property)', () => {
    const durationArb = fc
      .record({
        days: fc.integer({ min: 0, max: 3 }),
        hours: fc.integer({ min: 0, max: 23 }),
        months: fc.integer({ min: 0, max: 1 }),
      })
      .filter((d) => d.days + d.hours + d.months > 0)
      .map((d) => ({ years: 0, weeks: 0, minutes: 0, seconds: 0, ...d }));
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        durationArb,
        durationArb,
        fc.integer({ min: 0, max: 400 * 24 }),
        (start, interval, duration, hoursLater) => {
          const now = new Date(start.getTime() + hoursLater * 3_600_000);
          let k = 0;
          while (addDuration(start, interval, k + 1) <= now) k++;
          const expected = now < addDuration(addDuration(start, interval, k), duration);
          expect(inTimeframe(start, interval, duration, now)).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
