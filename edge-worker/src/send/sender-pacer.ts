// The send pacer: a Durable Object per Telnyx account that hands out send slots, so every queue
// consumer invocation anywhere sends through one schedule per sender number and one per account.
//
// Why a Durable Object: queue consumers run as many concurrent invocations (up to 250 per queue,
// developers.cloudflare.com/queues/platform/limits/), each in whatever isolate; a counter in an
// isolate sees only its own sends. A Durable Object is one single-threaded instance per name
// worldwide, so its in-memory schedule is the only schedule (developers.cloudflare.com/
// durable-objects/). Why one per account rather than one per sender: the account limit and the
// sender limit are decided in the same call, atomically (a slot granted by one object and refused
// by a second would be lost or would overshoot), and a send costs one round trip. A single object
// takes about 1,000 requests per second (soft limit, developers.cloudflare.com/durable-objects/
// platform/limits/), twenty times Telnyx's default account SMS rate (50/s); an account whose
// agreed rate nears that would need the schedule sharded by sender.
//
// Schedule: GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp per key):
// a key with rate r and burst b has emission interval T = 1/r and tolerance (b - 1)·T; the
// next send may go at max(now, TAT - tolerance) and moves the TAT (theoretical arrival time) to
// max(TAT, that time) + T. The object answers
//   - "go" once the slot is reached: it holds the call until then (at most maxWaitMs), so a 429
//     that arrives meanwhile can still move the waiting sends past its Retry-After;
//   - "later" with a time to come back when the slot is further than maxWaitMs away: nothing is
//     reserved (a message that never comes back costs nothing), but each deferred caller is told
//     a later time than the one before (a second, advisory schedule), so a backlog returns spread
//     at the sender's rate instead of all at once.
// Only slots within maxWaitMs are ever reserved, so the schedule is never more than a few
// seconds ahead and lives in memory: an object is evicted only when idle, by which time every
// schedule has drained. What a 429 taught (the sender blocked until its Retry-After, then slowed to
// half its rate, recovering over RECOVERY_MS) is kept in storage as well.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import type { Rate } from './throughput.ts';

export interface SlotRequest {
  /** The sender (E.164 or alphanumeric sender ID). */
  sender: string;
  senderRate: Rate;
  accountRate: Rate;
  /** The longest the caller will wait for its slot; further away, the answer is "later". */
  maxWaitMs: number;
}

export type SlotAnswer =
  | { kind: 'go'; waitedMs: number }
  | { kind: 'later'; retryAfterMs: number; limitedBy: 'sender' | 'account' | 'rate_limited' };

interface Schedule {
  /** Theoretical arrival time of the next send (ms since the epoch). */
  tat: number;
  /** The advisory schedule of deferred callers. */
  deferTat: number;
}

interface Penalty {
  /** No send before this time (the 429's Retry-After). */
  blockedUntil: number;
  /** Fraction of the sender's rate right after the 429. */
  factor: number;
  since: number;
}

/** After a 429 the sender runs at half its rate, then back to full rate linearly over this time. */
export const RECOVERY_MS = 60_000;
const MIN_FACTOR = 1 / 16;
const ACCOUNT_KEY = '\u0000account';
const PENALTY_PREFIX = 'penalty:';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SenderPacer extends DurableObject<Env> {
  private readonly schedules = new Map<string, Schedule>();
  private readonly penalties = new Map<string, Penalty>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list<Penalty>({ prefix: PENALTY_PREFIX });
      for (const [key, penalty] of stored) this.penalties.set(key.slice(PENALTY_PREFIX.length), penalty);
    });
  }

  /** A send slot for `sender`: "go" when it is reached (within maxWaitMs), else "later". */
  async takeSlot(req: SlotRequest): Promise<SlotAnswer> {
    const started = Date.now();
    for (;;) {
      const now = Date.now();
      const sender = this.schedule(req.sender);
      const account = this.schedule(ACCOUNT_KEY);
      const penalty = this.penalties.get(req.sender);
      const factor = this.factor(penalty, now);
      const senderT = 1000 / (req.senderRate.perSecond * factor);
      const accountT = 1000 / req.accountRate.perSecond;
      // No burst while slowed by a 429: one send per interval until the rate has recovered.
      const senderBurst = factor < 1 ? 1 : req.senderRate.burst;
      const bySender = sender.tat - (senderBurst - 1) * senderT;
      const byAccount = account.tat - (req.accountRate.burst - 1) * accountT;
      const blocked = penalty?.blockedUntil ?? 0;
      const at = Math.max(now, bySender, byAccount, blocked);

      if (at - now > req.maxWaitMs) {
        const senderBase = Math.max(sender.deferTat, at);
        const accountBase = Math.max(account.deferTat, at);
        sender.deferTat = senderBase + senderT;
        account.deferTat = accountBase + accountT;
        // Come back a little before the slot so it is within maxWaitMs on return.
        const comeBack = Math.max(senderBase, accountBase) - req.maxWaitMs / 2;
        const limitedBy = at === blocked ? 'rate_limited' : at === byAccount && byAccount > bySender ? 'account' : 'sender';
        return { kind: 'later', retryAfterMs: Math.max(1000, Math.round(comeBack - now)), limitedBy };
      }

      sender.tat = Math.max(sender.tat, at) + senderT;
      account.tat = Math.max(account.tat, at) + accountT;
      if (at > now) await sleep(at - now);
      // A 429 answered while this call waited: take a new slot after its Retry-After.
      const after = this.penalties.get(req.sender);
      if (after && after.blockedUntil > Date.now()) continue;
      return { kind: 'go', waitedMs: Date.now() - started };
    }
  }

  /**
   * Telnyx answered 429 for a send from `sender`: nothing from it before `retryAfterMs` has passed,
   * then at half the rate it had (recovering over RECOVERY_MS) and without a burst.
   */
  async rateLimited(sender: string, retryAfterMs: number): Promise<void> {
    const now = Date.now();
    const previous = this.penalties.get(sender);
    const penalty: Penalty = {
      blockedUntil: Math.max(previous?.blockedUntil ?? 0, now + retryAfterMs),
      factor: Math.max(MIN_FACTOR, this.factor(previous, now) / 2),
      since: now,
    };
    this.penalties.set(sender, penalty);
    await this.ctx.storage.put(`${PENALTY_PREFIX}${sender}`, penalty);
  }

  private schedule(key: string): Schedule {
    let s = this.schedules.get(key);
    if (!s) {
      s = { tat: 0, deferTat: 0 };
      this.schedules.set(key, s);
    }
    return s;
  }

  private factor(penalty: Penalty | undefined, now: number): number {
    if (!penalty) return 1;
    return Math.min(1, penalty.factor + (now - penalty.since) / RECOVERY_MS);
  }
}
