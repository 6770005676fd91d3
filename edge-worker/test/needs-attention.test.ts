// Issue 12: the admin's "Needs attention" list and its bulk retry / reprocess, through HTTP into
// the worker: a failed send, a send whose outcome is unknown and a failed interaction are listed
// with their reasons; a dry run counts the SMS a retry would send and changes nothing; the retry
// itself, pressed twice at once, sends each once; unknown outcomes need explicit confirmation.
import { createExecutionContext, createMessageBatch, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../src/env.ts';
import type { Job } from '../src/jobs.ts';
import worker from '../src/index.ts';
import { admin, asUser, createDeliveryTenant, createRules, DEMO, deliveryRule, outbox, settled, solve, tx, waitFor, zd } from './delivery-helpers.ts';

const T = DEMO.tickets;

describe('needs attention', () => {
  it('lists failures with reasons, counts first, retries each once, and resends an unknown only when confirmed', async () => {
    const t = await createDeliveryTenant();
    // Texts the assigned agent of any solved ticket.
    await createRules(t, deliveryRule(t, { recipients: { assignedAgent: true }, conditions: { events: ['ticket_solved'] } }));

    // 1. Telnyx rejects the first message: failed / telnyx_rejected.
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', status: 400, body: { errors: [{ code: '40310', title: 'Invalid to address' }] } });
    await solve(t, T.damagedOrder);
    const rejected = (await settled(t, T.damagedOrder)).sends[0];
    // 2. Telnyx accepts the next one but the connection drops: failed / outcome_unknown.
    await tx.addFault({ apiKey: t.telnyxApiKey, method: 'POST', pathPattern: '^/v2/messages$', afterAccept: true, dropConnection: true });
    await solve(t, T.doubleCharge);
    const unknown = (await settled(t, T.doubleCharge, { final: ['failed', 'queued'] })).sends[0];
    expect(rejected).toMatchObject({ status: 'failed', reason: 'telnyx_rejected' });
    expect(unknown).toMatchObject({ status: 'failed', reason: 'outcome_unknown' });
    // 3. An interaction the work queue gave up on (its message came back from the dead-letter queue).
    const ingest = await zd.solveTicket(t.subdomain, T.vipChat, { signingSecret: t.webhookSecret });
    const broken = { send: () => Promise.reject(new Error('queue down')), sendBatch: () => Promise.reject(new Error('queue down')) } as unknown as Queue;
    const ctx = createExecutionContext();
    const refused = await worker.fetch(
      new Request(`https://worker.test/v1/webhooks/zendesk/${t.installationId}`, { method: 'POST', headers: ingest.headers, body: ingest.body }),
      { ...(env as Env), SEND_QUEUE: broken } as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(refused.status).toBe(503);
    const interactionId = (
      await env.DB.prepare('SELECT id FROM interactions WHERE installation_id = ? AND ticket_id = ?').bind(t.installationId, String(T.vipChat)).first<{ id: string }>()
    )?.id;
    if (!interactionId || !rejected || !unknown) throw new Error('setup failed');
    const dead = createMessageBatch<unknown>('pisms-interactions-dlq', [{ id: 'd1', timestamp: Date.now(), attempts: 1, body: { kind: 'interaction', interactionId, installationId: t.installationId } }]);
    await worker.queue(dead as MessageBatch<Job>, env as Env);
    expect(await outbox(t)).toHaveLength(1); // the accepted one of (2)

    // Agents may not see it; admins (and supervisors) may.
    const agent = await asUser(t, DEMO.users.agent);
    expect((await agent('GET', '/v1/attention')).status).toBe(403);
    expect((await agent('POST', '/v1/attention/retry', { sendIds: [rejected.id] })).status).toBe(403);
    const api = await admin(t);
    const list = await api('GET', '/v1/attention');
    expect(list.status).toBe(200);
    expect(list.body.interactions).toEqual([
      expect.objectContaining({ id: interactionId, ticketId: String(T.vipChat), detail: 'The work queue gave up after its retries (dead-letter queue)' }),
    ]);
    const byId = new Map((list.body.sends as Array<{ id: string }>).map((s) => [s.id, s]));
    expect(byId.get(rejected.id)).toMatchObject({ reason: 'telnyx_rejected', retryable: true, mayDuplicate: false, ticketId: String(T.damagedOrder) });
    expect(byId.get(unknown.id)).toMatchObject({ reason: 'outcome_unknown', retryable: false, mayDuplicate: true });
    expect(JSON.stringify(list.body)).not.toContain(DEMO.phones.agent); // numbers masked

    // Dry run (the default): counts, changes nothing.
    const all = { interactionIds: [interactionId], sendIds: [rejected.id, unknown.id, 'snd_not_mine'] };
    expect((await api('POST', '/v1/attention/retry', all)).body).toEqual({
      dryRun: true, interactions: 1, sms: 1, unknownSms: 0, unknownNeedConfirmation: 1, notEligible: 1,
    });
    expect((await api('POST', '/v1/attention/retry', { ...all, includeUnknown: true })).body).toMatchObject({ sms: 2, unknownSms: 1, unknownNeedConfirmation: 0 });
    expect((await api('GET', '/v1/attention')).body.sends).toHaveLength(2);
    // Bad input: 422 with the field.
    const bad = await api('POST', '/v1/attention/retry', { sendIds: 'all' });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('sendIds');

    // Two admins press Retry at once: each row is reopened once.
    const [a, b] = await Promise.all([api('POST', '/v1/attention/retry', { ...all, dryRun: false }), api('POST', '/v1/attention/retry', { ...all, dryRun: false })]);
    expect(a.body.sms + b.body.sms).toBe(1);
    expect(a.body.interactions + b.body.interactions).toBe(1);
    await waitFor(async () => ((await outbox(t)).length === 3 ? true : undefined), 'the retried send and the reprocessed interaction');
    await settled(t, T.vipChat);
    await new Promise((r) => setTimeout(r, 1500));
    const to = (await outbox(t)).map((m) => m.to[0]?.phone_number).sort();
    expect(to).toEqual([DEMO.phones.agent, DEMO.phones.supervisor, DEMO.phones.admin].sort());
    // Left: the unknown one, which needs confirmation.
    expect((await api('GET', '/v1/attention')).body).toMatchObject({ interactions: [], sends: [{ id: unknown.id }] });

    // Confirmed: sent again (the admin accepted a possible duplicate), once.
    const confirmed = await api('POST', '/v1/attention/retry', { sendIds: [unknown.id], includeUnknown: true, dryRun: false });
    expect(confirmed.body).toMatchObject({ dryRun: false, sms: 1, unknownSms: 1 });
    await waitFor(async () => ((await outbox(t)).length === 4 ? true : undefined), 'the confirmed resend');
    expect((await api('GET', '/v1/attention')).body).toMatchObject({ interactions: [], sends: [] });
    const audit = await api('GET', '/v1/audit');
    expect(JSON.stringify(audit.body)).toContain('attention.retry');
  });

  it('is documented in /openapi.json', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths['/v1/attention']?.get).toBeDefined();
    expect(doc.paths['/v1/attention/retry']?.post).toBeDefined();
  });
});
