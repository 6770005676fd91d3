// Send pacing (issue 13): sends of one sender number go to Telnyx at its rate, whichever consumer
// invocation makes them; a 429 is honoured; per-number overrides apply; senders are paced apart
// and the account as a whole. Rates are measured at the Telnyx fake (its rate-limit mode records
// when each request arrived): the assertions count requests per window, never wall-clock time.
// Reserved sends are stored through the product's own D1 functions and handed to the worker's
// queue handler as send jobs, twice at once: two concurrent consumer invocations. Sends put back
// on the queue for a later slot come back through the real queue.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { recordReceipt } from '../src/db/interactions.ts';
import type { SendRow } from '../src/db/sends.ts';
import type { Job } from '../src/jobs.ts';
import { admin, createDeliveryTenant, createRules, DEMO, deliveryRule, insertSendStatement, solve, tx, uniqueNumber, waitFor, type DeliveryTenant } from './delivery-helpers.ts';

let seq = 0;

/** `n` reserved sends of one interaction from `sender` (as the interaction job stores them). */
async function reservedSends(t: DeliveryTenant, sender: string, n: number): Promise<string[]> {
  const tag = `${Date.now().toString(36)}${++seq}`;
  const nowMs = Date.now();
  const ticketId = String(900_000 + seq);
  const receipt = await recordReceipt(env.DB, {
    id: `ix_pace_${tag}`,
    installationId: t.installationId,
    ticketId,
    event: 'ticket_solved',
    source: 'trigger',
    moment: null,
    nowMs,
  });
  if (!receipt) throw new Error('no interaction');
  const now = new Date(nowMs).toISOString();
  const ids = Array.from({ length: n }, (_, i) => `snd_pace_${tag}_${i}`);
  await env.DB.batch(
    ids.map((id, i) =>
      insertSendStatement(env.DB, {
        id,
        installation_id: t.installationId,
        interaction_id: receipt.interaction.id,
        ticket_id: ticketId,
        rule_id: 'rule_pacing',
        rule_label: 'Pacing',
        recipient_kind: 'other',
        recipient: `+1415710${String(seq % 10)}${String(i).padStart(3, '0')}`,
        from_number: sender,
        body: `Thanks (${i})`,
        segments: 1,
        encoding: 'GSM-7',
        status: 'reserved',
        reason: null,
        detail: null,
        summary_source: null,
        compose_note: null,
        scheduled_for: null,
        created_at: now,
      }),
    ),
  );
  return ids;
}

/** One invocation of the worker's queue consumer with these send jobs. */
async function consume(t: DeliveryTenant, sendIds: string[]) {
  const jobs: Job[] = sendIds.map((sendId) => ({ kind: 'send', sendId, installationId: t.installationId }));
  const batch = createMessageBatch<Job>(
    'pisms-interactions',
    jobs.map((body, i) => ({ id: `msg-${sendIds[i]}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  const queue: ExportedHandlerQueueHandler<typeof env, Job> = worker.queue;
  await queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

async function setThroughput(t: DeliveryTenant, settings: Record<string, unknown>) {
  const res = await (await admin(t))('PATCH', '/v1/settings', settings);
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A tenant whose Telnyx account has these numbers (the first is the tenant's sender). */
async function tenantWithNumbers(count: number): Promise<{ t: DeliveryTenant; numbers: string[] }> {
  const t = await createDeliveryTenant();
  const numbers = [t.sender, ...Array.from({ length: count - 1 }, () => uniqueNumber())];
  await tx.seedAccount(t.telnyxApiKey, {
    messagingProfiles: [{ id: t.messagingProfileId, name: 'Support line' }],
    phoneNumbers: numbers.map((phone_number) => ({ phone_number, messaging_profile_id: t.messagingProfileId })),
  });
  return { t, numbers };
}

/** Times (ms) the fake accepted a send from `from`, in order. */
async function acceptedAt(from: string): Promise<number[]> {
  const { decisions } = await tx.rateLimits(from);
  return decisions.filter((d) => d.status === 200).map((d) => d.at);
}

/** The most sends in any window of `windowMs` starting at a send. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

async function sendRows(ids: string[]): Promise<SendRow[]> {
  const placeholders = ids.map(() => '?').join(',');
  return (await env.DB.prepare(`SELECT * FROM sends WHERE id IN (${placeholders})`).bind(...ids).all<SendRow>()).results;
}

async function allQueued(ids: string[], timeoutMs = 25_000): Promise<SendRow[]> {
  return waitFor(
    async () => {
      const rows = await sendRows(ids);
      return rows.every((r) => r.status === 'queued') ? rows : undefined;
    },
    `${ids.length} sends to reach Telnyx`,
    timeoutMs,
  );
}

describe('send pacing', () => {
  it('two concurrent consumers never send one number faster than its rate; waiting is not an attempt', async () => {
    const { t, numbers } = await tenantWithNumbers(1);
    const sender = numbers[0] as string;
    await setThroughput(t, { senderThroughput: [{ sender, messagesPerSecond: 4, burst: 1 }] });
    // Telnyx (the fake) allows 4/s with room for one early arrival; anything faster is a 429.
    await tx.setRateLimits({ numbers: { [sender]: { perSecond: 4, burst: 2 } } });

    const ids = await reservedSends(t, sender, 16);
    const [a, b] = await Promise.all([consume(t, ids.slice(0, 8)), consume(t, ids.slice(8))]);
    // Every message is acked: a send that waits for a later slot is a new message, not a retry.
    expect([...a.retryMessages, ...b.retryMessages]).toEqual([]);

    const rows = await allQueued(ids);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    const outbox = (await tx.messages({ apiKey: t.telnyxApiKey })).filter((m) => m.from.phone_number === sender);
    expect(new Set(outbox.map((m) => m.to[0]?.phone_number)).size).toBe(16);
    expect(outbox).toHaveLength(16);

    const times = await acceptedAt(sender);
    expect(times).toHaveLength(16);
    // 4 per second, one interval apart: at most 4 in any second (5 when one arrives a little early).
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(5);
    expect(maxInWindow(times, 2000)).toBeLessThanOrEqual(9);
    expect((await tx.rateLimits(sender)).summary.tooManyRequests).toBe(0);
  });

  it('honours a 429: no send from that number before its reset, and every send still goes out once', async () => {
    const { t, numbers } = await tenantWithNumbers(1);
    const sender = numbers[0] as string;
    // The installation claims 5/s; Telnyx (the fake) allows 1/s: the worker meets 429s.
    await setThroughput(t, { senderThroughput: [{ sender, messagesPerSecond: 5, burst: 1 }] });
    await tx.setRateLimits({ numbers: { [sender]: { perSecond: 1, burst: 1 } } });
    const recipients = Array.from({ length: 5 }, (_, i) => `+1415720${String(seq % 10)}${String(i).padStart(3, '0')}`);
    await createRules(t, deliveryRule(t, { recipients: { otherNumbers: recipients }, conditions: { groupIds: [] } }));
    expect((await solve(t, DEMO.tickets.damagedOrder)).status).toBe(202);

    const outbox = await waitFor(
      async () => {
        const sent = (await tx.messages({ apiKey: t.telnyxApiKey })).filter((m) => m.from.phone_number === sender);
        return sent.length >= recipients.length ? sent : undefined;
      },
      'every recipient texted',
      28_000,
    );
    expect(outbox.map((m) => m.to[0]?.phone_number).sort()).toEqual([...recipients].sort());
    const { summary, decisions } = await tx.rateLimits(sender);
    expect(summary.tooManyRequests).toBeGreaterThan(0);
    // No request to the number while a 429's x-ratelimit-reset had not passed.
    expect(decisions.filter((d) => d.unhonoured)).toEqual([]);
  });

  it('paces each number by its own override, independently of the account’s other numbers', async () => {
    const { t, numbers } = await tenantWithNumbers(2);
    const [fast, slow] = numbers as [string, string];
    await setThroughput(t, {
      senderThroughput: [
        { sender: fast, messagesPerSecond: 4, burst: 1 },
        { sender: slow, messagesPerSecond: 1, burst: 1 },
      ],
    });
    await tx.setRateLimits({ numbers: { [fast]: { perSecond: 4, burst: 2 }, [slow]: { perSecond: 1, burst: 2 } } });
    const fastIds = await reservedSends(t, fast, 8);
    const slowIds = await reservedSends(t, slow, 4);
    await Promise.all([consume(t, [...fastIds.slice(0, 4), ...slowIds.slice(0, 2)]), consume(t, [...fastIds.slice(4), ...slowIds.slice(2)])]);
    await allQueued([...fastIds, ...slowIds]);

    const fastTimes = await acceptedAt(fast);
    const slowTimes = await acceptedAt(slow);
    expect(fastTimes).toHaveLength(8);
    expect(slowTimes).toHaveLength(4);
    expect(maxInWindow(fastTimes, 1000)).toBeLessThanOrEqual(5);
    expect(maxInWindow(slowTimes, 1000)).toBeLessThanOrEqual(2);
    // Independent: the slow number does not hold the fast one to its rate (a shared 1/s
    // schedule would allow at most 2 sends in any second of the two numbers together).
    expect(maxInWindow([...fastTimes, ...slowTimes], 1000)).toBeGreaterThanOrEqual(4);
    const limits = await tx.rateLimits();
    expect(limits.decisions.filter((d) => d.status === 429 && (d.from === fast || d.from === slow))).toEqual([]);
  });

  it('paces the account as a whole when its rate is lower than its numbers’ together', async () => {
    const { t, numbers } = await tenantWithNumbers(2);
    const [one, two] = numbers as [string, string];
    // The account at 1/s (its burst is then 1): the pacer hands out one slot a second for both
    // numbers together. The fake allows one early arrival, and the test one more send in a
    // second than the pacer grants, so a send that reaches the fake up to a second after its slot
    // (a loaded machine) is not mistaken for a pacing error; a pacer that ignored the account
    // would send all 8 within a second.
    await setThroughput(t, {
      accountMessagesPerSecond: 1,
      senderThroughput: [
        { sender: one, messagesPerSecond: 10, burst: 1 },
        { sender: two, messagesPerSecond: 10, burst: 1 },
      ],
    });
    await tx.setRateLimits({ accounts: { [t.telnyxApiKey]: { perSecond: 1, burst: 2 } } });
    const oneIds = await reservedSends(t, one, 4);
    const twoIds = await reservedSends(t, two, 4);
    await Promise.all([consume(t, oneIds), consume(t, twoIds)]);
    await allQueued([...oneIds, ...twoIds]);

    const times = [...(await acceptedAt(one)), ...(await acceptedAt(two))];
    expect(times).toHaveLength(8);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(2);
    // 8 sends at 1/s: the last at least 7 s after the first.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(6_500);
    const limits = await tx.rateLimits();
    expect(limits.decisions.filter((d) => d.apiKey === t.telnyxApiKey && d.status === 429)).toEqual([]);
  });

  it('rejects a throughput override that is not a sender or not a rate, naming the field', async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    const bad = await api('PATCH', '/v1/settings', { senderThroughput: [{ sender: 'not a number!', messagesPerSecond: 0 }] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['senderThroughput.0.messagesPerSecond', 'senderThroughput.0.sender'].sort(),
    );
  });
});
