// The worker keeps each installation's Telnyx connection and unsealed Zendesk credentials in the
// isolate (telnyx/client.ts, zendesk/for-installation.ts). What the admin stores now must win:
// a change of the stored credentials is seen by the very next job.
import { describe, expect, it } from 'vitest';
import { admin, createDeliveryTenant, createRules, DEMO, deliveryRule, outbox, settled, solve } from './delivery-helpers.ts';

const T = DEMO.tickets;

describe('credentials kept per isolate', () => {
  it('a Telnyx key cleared after a send leaves the next interaction not connected, with nothing sent', async () => {
    const t = await createDeliveryTenant();
    await createRules(t, deliveryRule(t, { conditions: { groupIds: [], events: ['ticket_solved'] } }));
    await solve(t, T.damagedOrder);
    expect((await settled(t, T.damagedOrder)).sends.map((s) => s.status)).toEqual(['queued']);
    expect(await outbox(t)).toHaveLength(1);

    const api = await admin(t);
    expect((await api('PUT', '/v1/settings/telnyx', { apiKey: null })).status).toBe(200);
    await solve(t, T.doubleCharge);
    const second = await settled(t, T.doubleCharge);
    expect(second.sends.map((s) => [s.status, s.reason])).toEqual([['skipped', 'sms_not_connected']]);
    expect(await outbox(t)).toHaveLength(1);
  });
});
