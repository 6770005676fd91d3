// The Telnyx fake's rate-limit mode (issue 13): per sender number and per API key (account), a
// token bucket (`perSecond` refill, `burst` capacity); a POST /v2/messages beyond it is answered
// the way Telnyx answers a request over its rate limit
// (developers.telnyx.com/development/api-fundamentals/reliability/rate-limiting): HTTP 429 with
//   {"errors":[{"code":"10011","title":"Too many requests",
//               "detail":"You have exceeded the maximum number of allowed requests."}]}
// and the documented headers x-ratelimit-limit ("the applicable rate limits for the current
// request"), x-ratelimit-remaining ("how many requests a user can still make within the current
// time window") and x-ratelimit-reset ("the time in seconds until the rate limit resets"). Telnyx
// documents no Retry-After header, so the fake sends none. The same headers ride on accepted
// sends of a limited number.
//
// Stricter than Telnyx on purpose: Telnyx holds a sender's messages beyond its rate in a queue
// (developers.telnyx.com/docs/messaging/messages/configuration-and-usage, "Queuing") and answers
// 429 for the API request rate; the fake refuses every send over the number's rate, so a pacing
// mistake shows as a 429 instead of hiding in a queue. The bucket's capacity is the fake's own
// assumption (Telnyx does not publish its window): one second's worth unless configured.
//
// For tests and the bench it records every decision (time, number, account, 429 or not) and
// counts "unhonoured" 429s: a request to a number (or account) that got a 429 before that 429's
// reset time had passed.

export interface RateLimitSpec {
  perSecond: number;
  /** Bucket capacity; default max(1, ceil(perSecond)). */
  burst?: number;
}

export interface RateLimitConfig {
  /** By sender number (`from`). */
  numbers?: Record<string, RateLimitSpec>;
  /** By API key. */
  accounts?: Record<string, RateLimitSpec>;
}

export interface RateDecision {
  /** ms since the epoch, when the request arrived. */
  at: number;
  from: string;
  apiKey: string;
  status: 200 | 429;
  /** For a 429: the seconds the answer asked to wait (x-ratelimit-reset). */
  resetS?: number;
  /** Which bucket refused. */
  limitedBy?: 'number' | 'account';
  /** Sent while an earlier 429 for this number or account had not yet reset. */
  unhonoured: boolean;
}

interface Bucket {
  spec: Required<RateLimitSpec>;
  tokens: number;
  updatedAt: number;
  /** Until when the last 429 asked this client to wait. */
  blockedUntil: number;
}

export const TOO_MANY_REQUESTS = {
  errors: [{ code: '10011', title: 'Too many requests', detail: 'You have exceeded the maximum number of allowed requests.' }],
};

export class TelnyxRateLimiter {
  #numbers = new Map<string, Bucket>();
  #accounts = new Map<string, Bucket>();
  decisions: RateDecision[] = [];

  configure(config: RateLimitConfig): void {
    const bucket = (spec: RateLimitSpec): Bucket => {
      if (!(spec.perSecond > 0)) throw new Error('perSecond must be > 0');
      const burst = spec.burst ?? Math.max(1, Math.ceil(spec.perSecond));
      return { spec: { perSecond: spec.perSecond, burst }, tokens: burst, updatedAt: Date.now(), blockedUntil: 0 };
    };
    for (const [number, spec] of Object.entries(config.numbers ?? {})) this.#numbers.set(number, bucket(spec));
    for (const [apiKey, spec] of Object.entries(config.accounts ?? {})) this.#accounts.set(apiKey, bucket(spec));
  }

  clear(): void {
    this.#numbers.clear();
    this.#accounts.clear();
    this.decisions = [];
  }

  get active(): boolean {
    return this.#numbers.size > 0 || this.#accounts.size > 0;
  }

  /** Null: not limited (no headers). Else the status and headers to answer with. */
  check(apiKey: string, from: string): { status: 200 | 429; headers: Record<string, string> } | null {
    const number = this.#numbers.get(from);
    const account = this.#accounts.get(apiKey);
    if (!number && !account) return null;
    const now = Date.now();
    for (const b of [number, account]) if (b) refill(b, now);
    const unhonoured = [number, account].some((b) => b !== undefined && b.blockedUntil > now);
    const refusing = number && number.tokens < 1 ? number : account && account.tokens < 1 ? account : undefined;
    if (refusing) {
      const resetS = Math.max(1, Math.ceil((1 - refusing.tokens) / refusing.spec.perSecond));
      refusing.blockedUntil = now + resetS * 1000;
      this.decisions.push({ at: now, from, apiKey, status: 429, resetS, limitedBy: refusing === number ? 'number' : 'account', unhonoured });
      return { status: 429, headers: headers(refusing, resetS) };
    }
    for (const b of [number, account]) if (b) b.tokens -= 1;
    this.decisions.push({ at: now, from, apiKey, status: 200, unhonoured });
    const shown = number ?? (account as Bucket);
    return { status: 200, headers: headers(shown, Math.max(0, Math.ceil((shown.spec.burst - shown.tokens) / shown.spec.perSecond))) };
  }

  summary(): { requests: number; accepted: number; tooManyRequests: number; unhonoured: number } {
    return {
      requests: this.decisions.length,
      accepted: this.decisions.filter((d) => d.status === 200).length,
      tooManyRequests: this.decisions.filter((d) => d.status === 429).length,
      unhonoured: this.decisions.filter((d) => d.unhonoured).length,
    };
  }
}

function refill(b: Bucket, now: number): void {
  b.tokens = Math.min(b.spec.burst, b.tokens + ((now - b.updatedAt) / 1000) * b.spec.perSecond);
  b.updatedAt = now;
}

function headers(b: Bucket, resetS: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(b.spec.burst),
    'x-ratelimit-remaining': String(Math.max(0, Math.floor(b.tokens))),
    'x-ratelimit-reset': String(resetS),
  };
}
