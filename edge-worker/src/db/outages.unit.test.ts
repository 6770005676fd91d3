// The outage policy on its own: how long to wait, honouring Retry-After, never past the horizon.
import { describe, expect, it } from 'vitest';
import { MAX_QUEUE_DELAY_S } from '../jobs.ts';
import { OUTAGE_MAX_BACKOFF_S, planOutageWait, retryAfterSeconds } from './outages.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const H = 3_600_000;

describe('planOutageWait', () => {
  it('starts the outage at the first failure and waits 2 s', () => {
    expect(planOutageWait({ since: null, nowMs: T0, horizonHours: 24, retryAfterS: null })).toEqual({
      kind: 'wait', delaySeconds: 2, retryAt: '2026-12-01T10:00:02.000Z', since: '2026-12-01T10:00:00.000Z',
    });
  });

  it('waits longer as the outage ages, at most 10 minutes', () => {
    const since = new Date(T0).toISOString();
    const wait = (afterS: number) => planOutageWait({ since, nowMs: T0 + afterS * 1000, horizonHours: 24, retryAfterS: null });
    expect(wait(30)).toMatchObject({ kind: 'wait', delaySeconds: 30, since });
    expect(wait(2 * 3600)).toMatchObject({ kind: 'wait', delaySeconds: OUTAGE_MAX_BACKOFF_S });
  });

  it('honours Retry-After as given, up to the queue’s longest delay', () => {
    expect(planOutageWait({ since: null, nowMs: T0, horizonHours: 24, retryAfterS: 0 })).toMatchObject({ delaySeconds: 0 });
    expect(planOutageWait({ since: null, nowMs: T0, horizonHours: 24, retryAfterS: 1800 })).toMatchObject({ delaySeconds: 1800 });
    expect(planOutageWait({ since: null, nowMs: T0, horizonHours: 72, retryAfterS: 20 * 3600 })).toMatchObject({ delaySeconds: MAX_QUEUE_DELAY_S });
  });

  it('makes the last try at the horizon, and gives up after it', () => {
    const since = new Date(T0).toISOString();
    expect(planOutageWait({ since, nowMs: T0 + 24 * H - 60_000, horizonHours: 24, retryAfterS: 3600 })).toMatchObject({ kind: 'wait', delaySeconds: 60 });
    expect(planOutageWait({ since, nowMs: T0 + 24 * H, horizonHours: 24, retryAfterS: null })).toEqual({ kind: 'give_up', since, hours: 24 });
  });
});

describe('retryAfterSeconds', () => {
  it('reads seconds and HTTP dates, ignores the rest', () => {
    expect(retryAfterSeconds('5', T0)).toBe(5);
    expect(retryAfterSeconds('0', T0)).toBe(0);
    expect(retryAfterSeconds(new Date(T0 + 90_000).toUTCString(), T0)).toBe(90);
    expect(retryAfterSeconds('-3', T0)).toBeNull();
    expect(retryAfterSeconds('soon', T0)).toBeNull();
    expect(retryAfterSeconds(null, T0)).toBeNull();
  });
});
