// Settings, write-only credentials, requirements and the sender picker, through HTTP.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { Settings } from '../../shared/schemas/settings.ts';
import { as, control, createTenant, SENDER, type Tenant } from './helpers.ts';

/** The OAuth tokens (access and refresh) Zendesk issued to the tenant, from the fake. */
async function zendeskTokens(t: Tenant): Promise<string[]> {
  const res = await control(env.FAKES_CONTROL_URL, 'GET', `/accounts/${t.subdomain}`);
  const { tokens } = (await res.json()) as { tokens: Array<{ accessToken: string; refreshToken?: string }> };
  return tokens.flatMap((tok) => [tok.accessToken, ...(tok.refreshToken ? [tok.refreshToken] : [])]);
}

describe('settings', () => {
  it('returns settings, connection status without secrets, requirements and webhook URLs', async () => {
    const t = await createTenant();
    const res = await (await as(t, 'admin'))('GET', '/v1/settings');
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ summariesEnabled: false, defaultCountry: 'US', maxParts: 4, supervisorRoleNames: ['Supervisor'] });
    expect(res.body.connection.telnyx).toEqual({
      apiKeySet: true,
      apiKeyHint: `…${t.telnyxApiKey.slice(-4)}`,
      messagingProfileId: t.messagingProfileId,
      publicKeySet: false,
      sandboxAvailable: false,
    });
    expect(res.body.requirements).toEqual({ smsConnected: true, hasSenderNumber: true, hasGroup: true, ready: true, missing: [] });
    expect(res.body.webhookUrls).toEqual({
      zendesk: `https://worker.test/v1/webhooks/zendesk/${t.installationId}`,
      telnyx: `https://worker.test/v1/webhooks/telnyx/${t.installationId}`,
    });
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(t.telnyxApiKey);
    for (const token of await zendeskTokens(t)) expect(raw).not.toContain(token);
  });

  it('stores credentials encrypted in D1', async () => {
    const t = await createTenant();
    const row = await env.DB.prepare('SELECT * FROM installations WHERE id = ?').bind(t.installationId).first<Record<string, string>>();
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(t.telnyxApiKey);
    const tokens = await zendeskTokens(t);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(raw).not.toContain(token);
  });

  it('shows unmet requirements when Telnyx is not connected', async () => {
    const t = await createTenant({ telnyx: false });
    const res = await (await as(t, 'admin'))('GET', '/v1/settings');
    expect(res.body.requirements).toEqual({
      smsConnected: false,
      hasSenderNumber: false,
      hasGroup: true,
      ready: false,
      missing: ['sms_connected', 'sender_number'],
    });
  });

  it('patches settings, validates each field and audits the change', async () => {
    const t = await createTenant();
    const admin = await as(t, 'admin');
    const ok = await admin('PATCH', '/v1/settings', { summariesEnabled: true, defaultCountry: 'gb', quietHours: { start: '21:00', end: '08:00', timeZone: 'Europe/London' } });
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toMatchObject({ summariesEnabled: true, defaultCountry: 'GB', quietHours: { start: '21:00', end: '08:00', timeZone: 'Europe/London' } });

    const bad = await admin('PATCH', '/v1/settings', {
      defaultCountry: 'XX',
      maxParts: 11,
      quietHours: { start: '25:00', end: '08:00', timeZone: 'Mars/Base' },
      frequencyCap: { maxMessages: 0, periodHours: 24 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['defaultCountry', 'frequencyCap.maxMessages', 'maxParts', 'quietHours.start', 'quietHours.timeZone'].sort(),
    );
    const audit = await admin('GET', '/v1/audit');
    expect(audit.body.entries[0]).toMatchObject({ action: 'settings.update', changes: { summariesEnabled: { from: false, to: true } } });
  });

  it('keeps what a PATCH does not name: only defaultCountry leaves summaries on', async () => {
    const t = await createTenant();
    const admin = await as(t, 'admin');
    await admin('PATCH', '/v1/settings', { summariesEnabled: true, maxParts: 6 });
    const res = await admin('PATCH', '/v1/settings', { defaultCountry: 'de' });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ defaultCountry: 'DE', summariesEnabled: true, maxParts: 6, supervisorRoleNames: ['Supervisor'] });
    const audit = await admin('GET', '/v1/audit');
    expect(audit.body.entries[0].changes).toEqual({ defaultCountry: { from: 'US', to: 'DE' } });
  });

  it('changes only the named key, for every setting', async () => {
    const t = await createTenant();
    const admin = await as(t, 'admin');
    // Every key away from its default, then each key changed alone to a second value.
    const first: Record<string, unknown> = {
      summariesEnabled: true,
      summaryIncludesInternalNotes: true,
      defaultCountry: 'GB',
      internalNoteEnabled: true,
      supervisorRoleNames: ['Supervisor', 'Team leads'],
      customerFallbackToRequesterPhone: false,
      quietHours: { start: '21:00', end: '08:00', timeZone: 'Europe/London' },
      frequencyCap: { maxMessages: 2, periodHours: 24 },
      maxParts: 6,
      retryAllowedFor: 'admins',
      replyWindowDays: 14,
      replyReopensTicket: true,
      helpReplyText: 'Acme: reply with your question, or STOP to opt out.',
      dailyMessageLimit: 500,
      dailyCostLimit: 10,
      estimatedCostPerSegment: 0.01,
      allowedCountries: ['GB', 'IE'],
      testSendNumbers: ['+447700900123'],
      retentionDays: 60,
      outageHorizonHours: 48,
      senderThroughput: [{ sender: '+14155550123', messagesPerSecond: 4.5, burst: 5 }],
      accountMessagesPerSecond: 200,
    };
    const second: Record<string, unknown> = {
      summariesEnabled: false,
      summaryIncludesInternalNotes: false,
      defaultCountry: 'FR',
      internalNoteEnabled: false,
      supervisorRoleNames: ['Supervisor'],
      customerFallbackToRequesterPhone: true,
      quietHours: null,
      frequencyCap: null,
      maxParts: 2,
      retryAllowedFor: 'agents',
      replyWindowDays: 1,
      replyReopensTicket: false,
      helpReplyText: 'Reply STOP to opt out.',
      dailyMessageLimit: null,
      dailyCostLimit: null,
      estimatedCostPerSegment: 0.005,
      allowedCountries: null,
      testSendNumbers: [],
      retentionDays: 365,
      outageHorizonHours: 6,
      senderThroughput: [],
      accountMessagesPerSecond: null,
    };
    // A setting added later needs values here too.
    expect(Object.keys(first).sort()).toEqual(Object.keys(Settings.shape).sort());
    const base = await admin('PATCH', '/v1/settings', first);
    expect(base.status).toBe(200);
    let expected = base.body.settings;
    expect(expected).toEqual(first);
    for (const key of Object.keys(Settings.shape)) {
      const res = await admin('PATCH', '/v1/settings', { [key]: second[key] });
      expect(res.status, key).toBe(200);
      expected = { ...expected, [key]: second[key] };
      expect(res.body.settings, `PATCH {${key}} only`).toEqual(expected);
    }
  });

  it('takes Telnyx credentials write-only and audits them redacted', async () => {
    const t = await createTenant();
    const admin = await as(t, 'admin');
    const res = await admin('PUT', '/v1/settings/telnyx', { publicKey: `${'A'.repeat(43)}=` });
    expect(res.status).toBe(200);
    expect(res.body.connection.telnyx.publicKeySet).toBe(true);
    expect(res.body.connection.telnyx.apiKeySet).toBe(true);
    const bad = await admin('PUT', '/v1/settings/telnyx', { publicKey: 'nope', apiKey: 'short' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['apiKey', 'publicKey']);
    const audit = await admin('GET', '/v1/audit');
    expect(audit.body.entries[0]).toMatchObject({ action: 'telnyx.update', changes: { publicKey: { from: null, to: '[redacted]' } } });
  });

  it('lists the messaging profile numbers for the sender picker', async () => {
    const t = await createTenant();
    const res = await (await as(t, 'supervisor'))('GET', '/v1/telnyx/numbers');
    expect(res.body).toEqual({
      messagingProfileId: t.messagingProfileId,
      // Type and US reachability: telnyx-senders.test.ts.
      numbers: [{ phoneNumber: SENDER, type: 'long_code', countryCode: 'US', us: { status: 'not_ready', reason: 'no_ten_dlc_campaign', detail: null } }],
      alphanumericSenders: [],
    });
  });
});
