// Senders, through the worker's API and the Telnyx fake serving seeded registration data:
// GET /v1/telnyx/numbers gives each number's type and whether it can text US recipients (10DLC
// campaign assignment for long codes, toll-free verification for toll-free numbers, read from
// Telnyx's API), and the profile's alphanumeric sender IDs; a rule may send from an alphanumeric
// sender ID of the profile (format checked, membership checked, stored as Telnyx spells it), and
// saving a rule whose sender cannot reach US recipients answers 201/200 with a warning.
import { describe, expect, it } from 'vitest';
import type { TelnyxAccountSeed } from '../../test/fakes/telnyx-data.ts';
import { createDeliveryTenant, createRules, DEMO, deliveryRule, outbox, settled, solve, tx } from './delivery-helpers.ts';
import { as, createTenant, ruleInput, SENDER, type Tenant } from './helpers.ts';

const N = {
  assigned: SENDER,
  noCampaign: '+14155550911',
  pending: '+14155550912',
  failed: '+14155550913',
  tollFreeVerified: '+18885550911',
  tollFreeWaiting: '+18885550912',
  tollFreeRejected: '+18005550913',
  tollFreeNone: '+18775550914',
  london: '+442079460018',
};

function registrationSeed(t: Pick<Tenant, 'messagingProfileId'>, extra: Partial<TelnyxAccountSeed> = {}): TelnyxAccountSeed {
  const p = t.messagingProfileId;
  return {
    messagingProfiles: [{ id: p, name: 'Support follow-ups', alpha_sender: 'AcmeCare' }],
    phoneNumbers: [
      { phone_number: N.assigned, messaging_profile_id: p },
      { phone_number: N.noCampaign, messaging_profile_id: p },
      { phone_number: N.pending, messaging_profile_id: p },
      { phone_number: N.failed, messaging_profile_id: p },
      { phone_number: N.tollFreeVerified, messaging_profile_id: p, type: 'toll-free' },
      { phone_number: N.tollFreeWaiting, messaging_profile_id: p, type: 'toll-free' },
      { phone_number: N.tollFreeRejected, messaging_profile_id: p, type: 'toll-free' },
      { phone_number: N.tollFreeNone, messaging_profile_id: p, type: 'toll-free' },
      { phone_number: N.london, messaging_profile_id: p, country_code: 'GB' },
    ],
    alphanumericSenderIds: [{ alphanumeric_sender_id: 'Acme Help', messaging_profile_id: p }],
    tenDlcAssignments: [
      { phoneNumber: N.assigned, assignmentStatus: 'ASSIGNED', tcrCampaignId: 'CABC123' },
      { phoneNumber: N.pending, assignmentStatus: 'PENDING_ASSIGNMENT', tcrCampaignId: 'CABC124' },
      { phoneNumber: N.failed, assignmentStatus: 'FAILED_ASSIGNMENT', failureReasons: 'Campaign suspended' },
    ],
    tollFreeVerifications: [
      { phoneNumbers: [N.tollFreeVerified], verificationStatus: 'Verified' },
      { phoneNumbers: [N.tollFreeWaiting], verificationStatus: 'Waiting For Customer', reason: 'Opt-in screenshot missing' },
      { phoneNumbers: [N.tollFreeRejected], verificationStatus: 'Rejected', reason: 'Use case not allowed' },
    ],
    ...extra,
  };
}

async function registeredTenant() {
  const t = await createTenant();
  await tx.seedAccount(t.telnyxApiKey, registrationSeed(t));
  return t;
}

describe('GET /v1/telnyx/numbers', () => {
  it("gives every number's type and US reachability from Telnyx's 10DLC and toll-free APIs, and the alphanumeric senders", async () => {
    const t = await registeredTenant();
    const res = await (await as(t, 'admin'))('GET', '/v1/telnyx/numbers');
    expect(res.status).toBe(200);
    const byNumber = Object.fromEntries((res.body.numbers as Array<{ phoneNumber: string }>).map((n) => [n.phoneNumber, n]));
    expect(byNumber).toEqual({
      [N.assigned]: {
        phoneNumber: N.assigned,
        type: 'long_code',
        countryCode: 'US',
        us: { status: 'ready', reason: 'ten_dlc_assigned', detail: 'CABC123' },
      },
      [N.noCampaign]: {
        phoneNumber: N.noCampaign,
        type: 'long_code',
        countryCode: 'US',
        us: { status: 'not_ready', reason: 'no_ten_dlc_campaign', detail: null },
      },
      [N.pending]: {
        phoneNumber: N.pending,
        type: 'long_code',
        countryCode: 'US',
        us: { status: 'pending', reason: 'ten_dlc_pending', detail: 'CABC124' },
      },
      [N.failed]: {
        phoneNumber: N.failed,
        type: 'long_code',
        countryCode: 'US',
        us: { status: 'not_ready', reason: 'ten_dlc_failed', detail: 'Campaign suspended' },
      },
      [N.tollFreeVerified]: {
        phoneNumber: N.tollFreeVerified,
        type: 'toll_free',
        countryCode: 'US',
        us: { status: 'ready', reason: 'toll_free_verified', detail: null },
      },
      [N.tollFreeWaiting]: {
        phoneNumber: N.tollFreeWaiting,
        type: 'toll_free',
        countryCode: 'US',
        us: { status: 'pending', reason: 'toll_free_waiting_for_customer', detail: 'Opt-in screenshot missing' },
      },
      [N.tollFreeRejected]: {
        phoneNumber: N.tollFreeRejected,
        type: 'toll_free',
        countryCode: 'US',
        us: { status: 'not_ready', reason: 'toll_free_rejected', detail: 'Use case not allowed' },
      },
      [N.tollFreeNone]: {
        phoneNumber: N.tollFreeNone,
        type: 'toll_free',
        countryCode: 'US',
        us: { status: 'not_ready', reason: 'toll_free_not_submitted', detail: null },
      },
      [N.london]: {
        phoneNumber: N.london,
        type: 'long_code',
        countryCode: 'GB',
        us: { status: 'not_ready', reason: 'not_a_us_number', detail: 'GB' },
      },
    });
    expect(res.body.messagingProfileId).toBe(t.messagingProfileId);
    expect(res.body.alphanumericSenders).toEqual([
      { senderId: 'AcmeCare', us: { status: 'not_ready', reason: 'alphanumeric_sender', detail: null } },
      { senderId: 'Acme Help', us: { status: 'not_ready', reason: 'alphanumeric_sender', detail: null } },
    ]);
    // Read from Telnyx: one lookup per number, the registration APIs Telnyx documents.
    const { requests } = await tx.requests({ apiKey: t.telnyxApiKey, pathPattern: '^/v2/(10dlc|messaging_tollfree)/' });
    expect(
      requests
        .filter((r) => r.path.startsWith('/v2/10dlc/phone_number_campaigns/'))
        .map((r) => decodeURIComponent(r.path.split('/').pop() ?? ''))
        .sort(),
    ).toEqual([N.assigned, N.failed, N.noCampaign, N.pending].sort());
    expect(
      requests
        .filter((r) => r.path === '/v2/messaging_tollfree/verification/requests')
        .map((r) => r.query.phone_number)
        .sort(),
    ).toEqual([N.tollFreeNone, N.tollFreeRejected, N.tollFreeVerified, N.tollFreeWaiting].sort());
  });

  it('says "unknown" for a number Telnyx could not be asked about, and still lists the others', async () => {
    const t = await registeredTenant();
    await tx.addFault({ apiKey: t.telnyxApiKey, pathPattern: '^/v2/10dlc/', status: 503, times: -1 });
    try {
      const res = await (await as(t, 'admin'))('GET', '/v1/telnyx/numbers');
      expect(res.status).toBe(200);
      const assigned = (res.body.numbers as Array<{ phoneNumber: string; us: unknown }>).find((n) => n.phoneNumber === N.assigned);
      expect(assigned?.us).toEqual({ status: 'unknown', reason: 'lookup_failed', detail: null });
      const tollFree = (res.body.numbers as Array<{ phoneNumber: string; us: { status: string } }>).find(
        (n) => n.phoneNumber === N.tollFreeVerified,
      );
      expect(tollFree?.us.status).toBe('ready');
    } finally {
      await tx.clearFaults();
    }
  });

  it('answers an empty list while Telnyx is not connected', async () => {
    const t = await createTenant({ telnyx: false });
    const res = await (await as(t, 'admin'))('GET', '/v1/telnyx/numbers');
    expect(res.body).toEqual({ messagingProfileId: null, numbers: [], alphanumericSenders: [] });
  });
});

describe('rule senders', () => {
  it('saves a rule from an alphanumeric sender ID of the profile, spelled as Telnyx has it, with a US warning', async () => {
    const t = await registeredTenant();
    const admin = await as(t, 'admin');
    const res = await admin('POST', '/v1/rules', ruleInput({ senderNumber: 'acme help' }));
    expect(res.status).toBe(201);
    expect(res.body.senderNumber).toBe('Acme Help');
    expect(res.body.warnings).toEqual([
      {
        field: 'senderNumber',
        code: 'sender_not_us_ready',
        message: expect.stringContaining('cannot send to the US, Canada or Puerto Rico'),
      },
    ]);
    const profileOwn = await admin('POST', '/v1/rules', ruleInput({ senderNumber: 'AcmeCare' }));
    expect(profileOwn.status).toBe(201);
    expect((await admin('GET', `/v1/rules/${res.body.id}`)).body.senderNumber).toBe('Acme Help');
  });

  it('refuses a sender ID in a format Telnyx does not allow, or one the profile does not have (422 on senderNumber)', async () => {
    const t = await registeredTenant();
    const admin = await as(t, 'admin');
    for (const senderNumber of ['Acme_Help', 'AcmeCustomerCare', 'Acme-1']) {
      const res = await admin('POST', '/v1/rules', ruleInput({ senderNumber }));
      expect(res.status, senderNumber).toBe(422);
      expect(
        res.body.error.fields.map((f: { field: string }) => f.field),
        senderNumber,
      ).toEqual(['senderNumber']);
    }
    const notOnProfile = await admin('POST', '/v1/rules', ruleInput({ senderNumber: 'Globex' }));
    expect(notOnProfile.status).toBe(422);
    expect(notOnProfile.body.error.fields).toEqual([
      { field: 'senderNumber', reason: 'Not an alphanumeric sender ID of the connected Telnyx messaging profile' },
    ]);
  });

  it('warns (never blocks) when the sender number cannot reach US recipients, and not when it can', async () => {
    const t = await registeredTenant();
    const admin = await as(t, 'admin');
    const ready = await admin('POST', '/v1/rules', ruleInput({ senderNumber: N.assigned }));
    expect(ready.status).toBe(201);
    expect(ready.body.warnings).toEqual([]);
    const cases: Array<[string, string]> = [
      [N.noCampaign, 'not assigned to a 10DLC campaign'],
      [N.pending, '10DLC campaign assignment is still pending'],
      [N.tollFreeRejected, 'toll-free verification was rejected (Use case not allowed)'],
      [N.london, 'not a US number'],
    ];
    for (const [senderNumber, why] of cases) {
      const res = await admin('POST', '/v1/rules', ruleInput({ senderNumber }));
      expect(res.status, senderNumber).toBe(201);
      expect(res.body.warnings, senderNumber).toEqual([
        { field: 'senderNumber', code: 'sender_not_us_ready', message: expect.stringContaining(why) },
      ]);
    }
    // Replacing and patching answer the warning too.
    const put = await admin('PUT', `/v1/rules/${ready.body.id}`, ruleInput({ senderNumber: N.tollFreeNone }));
    expect(put.status).toBe(200);
    expect(put.body.warnings[0].message).toContain('without a verification request');
    const patch = await admin('PATCH', `/v1/rules/${ready.body.id}`, { senderNumber: N.tollFreeVerified });
    expect(patch.status).toBe(200);
    expect(patch.body.warnings).toEqual([]);
  });
});

describe('sending from an alphanumeric sender ID', () => {
  it('texts a non-US number from the sender ID through Telnyx', async () => {
    const t = await createDeliveryTenant({ settings: { allowedCountries: ['US', 'DE'] } });
    const germany = DEMO.phones.customerIntl;
    await tx.seedAccount(t.telnyxApiKey, {
      messagingProfiles: [{ id: t.messagingProfileId, name: 'Support line' }],
      phoneNumbers: [{ phone_number: t.sender, messaging_profile_id: t.messagingProfileId }],
      alphanumericSenderIds: [{ alphanumeric_sender_id: 'AcmeDE', messaging_profile_id: t.messagingProfileId }],
    });
    await createRules(t, deliveryRule(t, { senderNumber: 'AcmeDE', recipients: { otherNumbers: [germany] } }));
    await solve(t, DEMO.tickets.damagedOrder);
    const done = await settled(t, DEMO.tickets.damagedOrder);
    expect(done.sends[0]).toMatchObject({ status: 'queued' });
    const [message] = await outbox(t);
    expect(message).toMatchObject({
      from: { phone_number: 'AcmeDE' },
      to: [{ phone_number: germany }],
      messaging_profile_id: t.messagingProfileId,
    });
  });
});
