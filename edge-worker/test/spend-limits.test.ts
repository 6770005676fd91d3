// Spend limits (issue 12b), through HTTP, the real queue consumer, D1 and the fakes: the daily SMS
// budget holds what is beyond it (exactly, also when sends race for the last slot), tells the
// admins, and lets the held sends go the next UTC day or when an admin raises it; the destination
// country allowlist; the test SMS only to the caller's own phone or an allowlisted number and
// rate-limited (429 with Retry-After); the frequency cap on by default, and its migration.
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FREQUENCY_CAP, Settings } from '../../shared/schemas/settings.ts';
import { sendWhenDue } from '../src/pipeline/send-delay.ts';
import { sendOne } from '../src/send/send-sms.ts';
import { demoAccount, zendeskUser } from '../../test/fakes/zendesk-data.ts';
import { openSession } from './helpers.ts';
import {
  admin,
  asUser,
  createDeliveryTenant,
  createRules,
  DEMO,
  deliveryRule,
  outbox,
  settled,
  solve,
  ticketSends,
  uniqueNumber,
  waitFor,
  zd,
  type DeliveryTenant,
} from './delivery-helpers.ts';

const T = DEMO.tickets;
const numbers = (n: number) => Array.from({ length: n }, () => uniqueNumber());
const budgetRow = (t: DeliveryTenant, day: string) =>
  env.DB.prepare('SELECT messages, cost_micros, exceeded_at FROM daily_budget WHERE installation_id = ? AND day = ?')
    .bind(t.installationId, day)
    .first<{ messages: number; cost_micros: number; exceeded_at: string | null }>();
const today = () => new Date().toISOString().slice(0, 10);
const nextUtcMidnight = () => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
};

describe('daily SMS budget', () => {
  it('holds the sends beyond the budget (not dropped), tells the admins once, and releases them when an admin raises it', async () => {
    const t = await createDeliveryTenant({ settings: { dailyMessageLimit: 2 } });
    const others = numbers(3);
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: others } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    const byStatus = (s: string) => done.sends.filter((x) => x.status === s);
    expect(byStatus('queued')).toHaveLength(2);
    expect(byStatus('held')).toHaveLength(2);
    for (const held of byStatus('held')) {
      expect(held).toMatchObject({ reason: 'budget_exceeded', scheduledFor: nextUtcMidnight() });
      expect(held.detail).toContain('Daily SMS budget used up');
    }
    expect(await outbox(t)).toHaveLength(2);

    const api = await admin(t);
    const budget = await api('GET', '/v1/budget');
    expect(budget.status).toBe(200);
    expect(budget.body).toMatchObject({ day: today(), messages: 2, messageLimit: 2, heldSends: 2, costLimit: null, releaseAt: nextUtcMidnight() });
    expect(budget.body.exceededAt).not.toBeNull();
    // 1 part each at the default estimate of 0.005.
    expect(budget.body.estimatedCost).toBeCloseTo(0.01, 6);
    const audit = (await api('GET', '/v1/audit')).body.entries.filter((e: { action: string }) => e.action === 'budget.exceeded');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: 'system', subjectId: today(), changes: { dailyMessageLimit: { to: 2 } } });

    // The admin raises the budget: the held sends go now, each counted.
    expect((await api('PATCH', '/v1/settings', { dailyMessageLimit: 10 })).status).toBe(200);
    await waitFor(async () => ((await outbox(t)).length === 4 ? true : undefined), 'the held sends to go out');
    const after = await settled(t, T.damagedOrder);
    expect(after.sends.map((s) => s.status).sort()).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect((await outbox(t)).map((m) => m.to[0]?.phone_number).sort()).toEqual([DEMO.phones.customer, ...others].sort());
    expect(await budgetRow(t, today())).toMatchObject({ messages: 4 });
    expect((await api('GET', '/v1/budget')).body).toMatchObject({ messages: 4, heldSends: 0 });
  });

  it('lets a held send go out the next UTC day, counted on that day', async () => {
    const t = await createDeliveryTenant({ settings: { dailyMessageLimit: 1 } });
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: numbers(1) } }));
    await solve(t, T.damagedOrder);
    const held = (await settled(t, T.damagedOrder)).sends.find((s) => s.status === 'held');
    if (!held) throw new Error('expected a held send');
    // Its send job, early (the queue's delay is capped at 12 h): it waits again.
    expect(await sendOne(env, { kind: 'send', sendId: held.id, installationId: t.installationId }, Date.now())).toEqual({ action: 'ack' });
    expect(await outbox(t)).toHaveLength(1);
    // At 00:00:05 UTC tomorrow: today's full budget no longer applies.
    const tomorrowMs = Date.parse(nextUtcMidnight()) + 5_000;
    expect(await sendOne(env, { kind: 'send', sendId: held.id, installationId: t.installationId }, tomorrowMs)).toEqual({ action: 'ack' });
    expect(await outbox(t)).toHaveLength(2);
    const sent = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends.find((s) => s.id === held.id);
    expect(sent).toMatchObject({ status: 'queued', reason: null });
    expect(await budgetRow(t, nextUtcMidnight().slice(0, 10))).toMatchObject({ messages: 1 });
    expect(await budgetRow(t, today())).toMatchObject({ messages: 1 });
  });

  it('applies quiet hours when a budget hold is released, in the zone stored with the send', async () => {
    const t = await createDeliveryTenant({ settings: { dailyMessageLimit: 1 } });
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: numbers(1) } }));
    await solve(t, T.damagedOrder);
    const held = (await settled(t, T.damagedOrder)).sends.find((s) => s.status === 'held');
    if (!held) throw new Error('expected a held send');
    // Quiet hours from midnight to 02:00 UTC (a number of the rule has no zone of its own).
    const api = await admin(t);
    expect((await api('PATCH', '/v1/settings', { quietHours: { start: '00:00', end: '02:00', timeZone: 'UTC' } })).status).toBe(200);
    const job = { kind: 'send' as const, sendId: held.id, installationId: t.installationId };
    // Released at 00:00:05 UTC tomorrow: inside quiet hours, so it waits until 02:00 and nothing goes.
    const midnight = Date.parse(nextUtcMidnight());
    expect(await sendWhenDue(env, job, midnight + 5_000)).toEqual({ action: 'ack' });
    expect(await outbox(t)).toHaveLength(1);
    const waiting = (await ticketSends(t, T.damagedOrder)).interactions[0]?.sends.find((s) => s.id === held.id);
    expect(waiting).toMatchObject({ status: 'held', scheduledFor: new Date(midnight + 2 * 3_600_000).toISOString() });
    // At 02:00:05 it goes, counted on that day.
    expect(await sendWhenDue(env, job, midnight + 2 * 3_600_000 + 5_000)).toEqual({ action: 'ack' });
    expect(await outbox(t)).toHaveLength(2);
    expect(await budgetRow(t, nextUtcMidnight().slice(0, 10))).toMatchObject({ messages: 1 });
  });

  it('is exact under concurrency: sends racing for the last slots pass exactly the budget', async () => {
    const t = await createDeliveryTenant({ settings: { dailyMessageLimit: 3 } });
    // Two tickets at once, eight numbers each: 18 sends claimed and sent concurrently.
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: numbers(8) }, conditions: { groupIds: [], events: ['ticket_solved'] } }));
    await Promise.all([solve(t, T.damagedOrder), solve(t, T.doubleCharge)]);
    const sends = [...(await settled(t, T.damagedOrder)).sends, ...(await settled(t, T.doubleCharge)).sends];
    expect(sends).toHaveLength(18);
    expect(sends.filter((s) => s.status === 'queued')).toHaveLength(3);
    expect(sends.filter((s) => s.status === 'held' && s.reason === 'budget_exceeded')).toHaveLength(15);
    expect(await outbox(t)).toHaveLength(3);
    expect(await budgetRow(t, today())).toMatchObject({ messages: 3 });
    const counted = await env.DB.prepare('SELECT COUNT(*) AS n FROM sends WHERE installation_id = ? AND budget_day IS NOT NULL')
      .bind(t.installationId)
      .first<{ n: number }>();
    expect(counted?.n).toBe(3);
  });

  it('also limits the estimated cost, from segments times the configured price', async () => {
    // 0.02 per segment, 0.05 a day: two one-part messages fit, the third does not.
    const t = await createDeliveryTenant({ settings: { dailyMessageLimit: null, dailyCostLimit: 0.05, estimatedCostPerSegment: 0.02 } });
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: numbers(2) } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.filter((s) => s.status === 'queued')).toHaveLength(2);
    expect(done.sends.filter((s) => s.status === 'held' && s.reason === 'budget_exceeded')).toHaveLength(1);
    expect((await (await admin(t))('GET', '/v1/budget')).body).toMatchObject({ messages: 2, estimatedCost: 0.04, costLimit: 0.05, heldSends: 1 });
  });

  it('only admins change the limits; supervisors may read the budget', async () => {
    const t = await createDeliveryTenant();
    const supervisor = await asUser(t, DEMO.users.supervisor);
    const denied = await supervisor('PATCH', '/v1/settings', { dailyMessageLimit: 99999, retentionDays: 3650 });
    expect(denied.status).toBe(403);
    expect(denied.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dailyMessageLimit', 'retentionDays']);
    expect((await supervisor('PATCH', '/v1/settings', { maxParts: 3 })).status).toBe(200);
    expect((await supervisor('GET', '/v1/budget')).status).toBe(200);
    expect((await (await asUser(t, DEMO.users.agent))('GET', '/v1/budget')).status).toBe(403);
    const invalid = await (await admin(t))('PATCH', '/v1/settings', { dailyMessageLimit: 0, dailyCostLimit: -1, retentionDays: 7 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['dailyCostLimit', 'dailyMessageLimit', 'retentionDays']);
  });
});

describe('destination countries', () => {
  const germany = DEMO.phones.customerIntl;
  const canada = '+16135550123';

  it("texts only the installation's country by default; others are skipped with a reason", async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: [germany, canada] } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => [s.recipientMasked, s.status, s.reason])).toEqual([
      ['+1 *** *** 0201', 'queued', null],
      ['+49 *** *** 5678', 'skipped', 'country_not_allowed'],
      ['+1 *** *** 0123', 'skipped', 'country_not_allowed'],
    ]);
    expect(done.sends[1]?.detail).toBe('Texts to DE numbers are not allowed (Settings: countries)');
    expect(done.sends[2]?.detail).toBe('Texts to CA numbers are not allowed (Settings: countries)');
    expect((await outbox(t)).map((m) => m.to[0]?.phone_number)).toEqual([DEMO.phones.customer]);
  });

  it('texts the countries an admin allowed', async () => {
    const t = await createDeliveryTenant({ settings: { allowedCountries: ['us', 'DE'] } });
    expect((await (await admin(t))('GET', '/v1/settings')).body.settings.allowedCountries).toEqual(['US', 'DE']);
    await createRules(t, deliveryRule(t, { recipients: { customer: true, otherNumbers: [germany, canada] } }));
    await solve(t, T.damagedOrder);
    const done = await settled(t, T.damagedOrder);
    expect(done.sends.map((s) => [s.status, s.reason])).toEqual([
      ['queued', null],
      ['queued', null],
      ['skipped', 'country_not_allowed'],
    ]);
    const bad = await (await admin(t))('PATCH', '/v1/settings', { allowedCountries: ['XX'] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields[0].field).toBe('allowedCountries.0');
  });
});

async function testSendRaw(t: DeliveryTenant, userId: number, to: string) {
  const { token } = await openSession(t, userId);
  return SELF.fetch('https://worker.test/v1/test-send', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rule: deliveryRule(t), to }),
  });
}

describe('test SMS limits', () => {
  it("goes to the caller's own Zendesk phone or an allowlisted number, never to any other", async () => {
    const t = await createDeliveryTenant();
    const api = await admin(t);
    // The admin's own phone (Zendesk profile), typed locally.
    expect((await api('POST', '/v1/test-send', { rule: deliveryRule(t), to: '(415) 555-0101' })).status).toBe(200);
    // The supervisor's own phone.
    expect((await (await asUser(t, DEMO.users.supervisor))('POST', '/v1/test-send', { rule: deliveryRule(t), to: DEMO.phones.supervisor })).status).toBe(200);
    // Someone else's number: refused, nothing sent.
    const stranger = uniqueNumber();
    const refused = await api('POST', '/v1/test-send', { rule: deliveryRule(t), to: stranger });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('your own phone');
    expect(refused.body.error.fields).toEqual([{ field: 'to', reason: 'Not your phone and not on the test-number list' }]);
    // The supervisor may not text the admin's phone either.
    expect((await (await asUser(t, DEMO.users.supervisor))('POST', '/v1/test-send', { rule: deliveryRule(t), to: DEMO.phones.admin })).status).toBe(403);
    // An admin allows it; then it goes. Supervisors cannot change the list.
    expect((await (await asUser(t, DEMO.users.supervisor))('PATCH', '/v1/settings', { testSendNumbers: [stranger] })).status).toBe(403);
    expect((await api('PATCH', '/v1/settings', { testSendNumbers: [stranger] })).status).toBe(200);
    expect((await api('POST', '/v1/test-send', { rule: deliveryRule(t), to: stranger })).status).toBe(200);
    // A number of a country the installation does not text: 422 with the field.
    expect((await api('PATCH', '/v1/settings', { testSendNumbers: [DEMO.phones.customerIntl] })).status).toBe(200);
    const abroad = await api('POST', '/v1/test-send', { rule: deliveryRule(t), to: DEMO.phones.customerIntl });
    expect(abroad.status).toBe(422);
    expect(abroad.body.error.fields[0]).toEqual({ field: 'to', reason: 'Texts to DE numbers are not allowed (Settings: countries)' });
    expect((await outbox(t)).map((m) => m.to[0]?.phone_number)).toEqual([DEMO.phones.admin, DEMO.phones.supervisor, stranger]);
  });

  it('is rate-limited per user: the sixth in a minute is refused with 429 and Retry-After', async () => {
    const t = await createDeliveryTenant();
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 7; i++) {
      const res = await testSendRaw(t, DEMO.users.admin, DEMO.phones.admin);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    if (!limited) throw new Error('no 429');
    expect(limited.headers.get('retry-after')).toBe('60');
    const body = (await limited.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'rate_limited' });
    expect(body.error.message).toContain('at most 5 a minute per person');
    expect(await outbox(t)).toHaveLength(5);
    // Another user of the same installation still may.
    expect((await testSendRaw(t, DEMO.users.supervisor, DEMO.phones.supervisor)).status).toBe(200);
  });

  it('is rate-limited per installation: 20 a minute across its people', async () => {
    const t = await createDeliveryTenant();
    // Four more admins, each with their own phone.
    const extra = [1101, 1102, 1103, 1104].map((id) => zendeskUser({ id, name: `Admin ${id}`, role: 'admin', phone: `+1415555${id}` }));
    const account = demoAccount();
    await zd.seedAccount(t.subdomain, { ...account, users: [...account.users, ...extra] });
    const statuses: number[] = [];
    for (const user of [{ id: DEMO.users.admin, phone: DEMO.phones.admin }, ...extra.slice(0, 3).map((u) => ({ id: u.id, phone: u.phone ?? '' }))]) {
      for (let i = 0; i < 5; i++) statuses.push((await testSendRaw(t, user.id, user.phone)).status);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    const limited = await testSendRaw(t, 1104, '+14155551104');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(((await limited.json()) as { error: { message: string } }).error.message).toContain('from this account: at most 20 a minute');
    expect(await outbox(t)).toHaveLength(20);
  });
});

describe('frequency cap', () => {
  it('is on by default: 3 per 24 h to one number', async () => {
    const t = await createDeliveryTenant();
    expect((await (await admin(t))('GET', '/v1/settings')).body.settings.frequencyCap).toEqual(DEFAULT_FREQUENCY_CAP);
    const [shared] = numbers(1);
    await createRules(t, deliveryRule(t, { recipients: { otherNumbers: [shared] }, conditions: { groupIds: [], events: ['ticket_solved'] } }));
    const tickets = [T.damagedOrder, T.doubleCharge, T.vipChat, T.noPhone];
    const outcomes = [];
    for (const ticket of tickets) {
      await solve(t, ticket);
      outcomes.push((await settled(t, ticket)).sends.map((s) => [s.status, s.reason]));
    }
    expect(outcomes).toEqual([[['queued', null]], [['queued', null]], [['queued', null]], [['skipped', 'frequency_cap']]]);
  });

  it('migration 0008: a cap never chosen gets the default; an off an admin chose stays off', async () => {
    const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0008'));
    const statement = migration?.queries.find((q) => q.includes("json_remove(settings_json, '$.frequencyCap')"));
    if (!statement) throw new Error('migration 0008 has no frequency cap statement');
    const now = new Date().toISOString();
    const stored = JSON.stringify({ ...Settings.parse({ defaultCountry: 'US' }), frequencyCap: null });
    for (const id of ['inst_never_set_cap', 'inst_chose_off']) {
      await env.DB.prepare('INSERT INTO installations (id, subdomain, settings_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .bind(id, id.replace(/_/g, ''), stored, now, now)
        .run();
    }
    await env.DB.prepare(
      `INSERT INTO audit_log (installation_id, actor_user_id, actor_role, action, subject_id, changes_json, created_at)
       VALUES ('inst_chose_off', '1', 'admin', 'settings.update', NULL, ?, ?)`,
    )
      .bind(JSON.stringify({ frequencyCap: { from: { maxMessages: 2, periodHours: 24 }, to: null } }), now)
      .run();
    await env.DB.prepare(statement).run();
    const read = async (id: string) => {
      const row = await env.DB.prepare('SELECT settings_json FROM installations WHERE id = ?').bind(id).first<{ settings_json: string }>();
      return Settings.parse(JSON.parse(row?.settings_json ?? '{}')).frequencyCap;
    };
    expect(await read('inst_never_set_cap')).toEqual(DEFAULT_FREQUENCY_CAP);
    expect(await read('inst_chose_off')).toBeNull();
  });
});

describe('/openapi.json', () => {
  it('documents the budget, erasure and the test SMS rate limit', async () => {
    const doc = (await (await SELF.fetch('https://worker.test/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths['/v1/budget'] ?? {})).toEqual(['get']);
    expect(doc.paths['/v1/erasure']?.post?.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/v1/test-send']?.post?.responses ?? {})).toContain('429');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['BudgetStatus', 'ErasureRequest', 'ErasureResult']));
  });
});
