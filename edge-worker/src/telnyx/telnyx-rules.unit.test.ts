// The pure Telnyx rules: keywords as Telnyx defines them, every SDK message status mapped, and US
// reachability from 10DLC / toll-free records.
import { describe, expect, it } from 'vitest';
import { classifyInboundText } from './keywords.ts';
import { mapTelnyxStatus, TELNYX_OUTBOUND_STATUSES } from './message-status.ts';
import { describeUsReach, senderTypeOf, usReachOfLongCode, usReachOfTollFree } from './us-readiness.ts';

describe('classifyInboundText', () => {
  it("reads Telnyx's default keywords as the whole message, any case and spacing", () => {
    for (const text of ['STOP', 'stopall', 'Stop All', '  stop   all ', 'UNSUBSCRIBE', 'cancel', 'End', 'QUIT']) {
      expect(classifyInboundText(text)?.kind, text).toBe('opt_out');
    }
    for (const text of ['START', ' unstop ']) expect(classifyInboundText(text)?.kind, text).toBe('opt_in');
    expect(classifyInboundText('help')).toEqual({ kind: 'help', source: 'default_keywords', keyword: 'HELP' });
    for (const text of ['please stop', 'STOP!', 'stopp', '', 'yes']) expect(classifyInboundText(text), text).toBeNull();
    expect(classifyInboundText(null)).toBeNull();
  });

  it("follows Telnyx's autoresponse_type first (a profile's own keywords)", () => {
    expect(classifyInboundText('ARRET', 'STOP')).toEqual({ kind: 'opt_out', source: 'autoresponse_type', keyword: 'STOP' });
    expect(classifyInboundText('join', 'start')?.kind).toBe('opt_in');
    expect(classifyInboundText('info', 'INFO')?.kind).toBe('help');
    // An unknown type or null falls back to the default lists.
    expect(classifyInboundText('STOP', 'SOMETHING')?.source).toBe('default_keywords');
    expect(classifyInboundText('STOP', null)?.kind).toBe('opt_out');
  });
});

describe('mapTelnyxStatus', () => {
  it('maps every outbound status the SDK defines', () => {
    expect([...TELNYX_OUTBOUND_STATUSES].sort()).toEqual(
      [
        'cancelled',
        'delivered',
        'delivery_failed',
        'delivery_unconfirmed',
        'expired',
        'queued',
        'read',
        'scheduled',
        'sending',
        'sending_failed',
        'sent',
      ].sort(),
    );
    const to = (s: string) => {
      const m = mapTelnyxStatus(s);
      return m.ok ? [m.mapped.status, m.mapped.reason] : m.reason;
    };
    expect(to('scheduled')).toEqual(['queued', null]);
    expect(to('sending')).toEqual(['queued', null]);
    expect(to('delivery_unconfirmed')).toEqual(['sent', null]);
    expect(to('read')).toEqual(['delivered', null]);
    expect(to('cancelled')).toEqual(['skipped', 'cancelled']);
    expect(to('expired')).toEqual(['failed', 'carrier_failed']);
    expect(to('webhook_delivered')).toBe('inbound_status');
    expect(to('received')).toBe('inbound_status');
    expect(to('teleported')).toBe('unknown_status');
    expect(to('')).toBe('no_status');
  });
});

describe('US reachability', () => {
  it('reads number types in both of the SDK spellings, else by NANP toll-free prefix', () => {
    expect(senderTypeOf('toll-free', '+14155550100')).toBe('toll_free');
    expect(senderTypeOf('tollfree', '+14155550100')).toBe('toll_free');
    expect(senderTypeOf('shortcode', '12345')).toBe('short_code');
    expect(senderTypeOf('long-code', '+18885550100')).toBe('long_code');
    expect(senderTypeOf(null, '+18885550100')).toBe('toll_free');
    expect(senderTypeOf(undefined, '+14155550100')).toBe('long_code');
  });

  it('long codes: ready only when assigned to a 10DLC campaign; other countries never', () => {
    const status = (a: string) => usReachOfLongCode('US', { kind: 'assignment', assignmentStatus: a }).status;
    expect(status('ASSIGNED')).toBe('ready');
    expect(status('FAILED_UNASSIGNMENT')).toBe('ready');
    expect(status('PENDING_ASSIGNMENT')).toBe('pending');
    expect(status('PENDING_UNASSIGNMENT')).toBe('not_ready');
    expect(status('FAILED_ASSIGNMENT')).toBe('not_ready');
    expect(status('SOMETHING_NEW')).toBe('unknown');
    expect(usReachOfLongCode('US', { kind: 'none' })).toMatchObject({ status: 'not_ready', reason: 'no_ten_dlc_campaign' });
    expect(usReachOfLongCode('US', { kind: 'lookup_failed' })).toMatchObject({ status: 'unknown', reason: 'lookup_failed' });
    expect(usReachOfLongCode('gb', { kind: 'assignment', assignmentStatus: 'ASSIGNED' })).toMatchObject({
      status: 'not_ready',
      reason: 'not_a_us_number',
      detail: 'GB',
    });
  });

  it('toll-free: the best of the requests naming the number counts', () => {
    const reach = (...statuses: string[]) =>
      usReachOfTollFree({ kind: 'requests', requests: statuses.map((s) => ({ verificationStatus: s, reason: `why ${s}` })) });
    expect(reach()).toMatchObject({ status: 'not_ready', reason: 'toll_free_not_submitted' });
    expect(reach('Rejected')).toMatchObject({ status: 'not_ready', reason: 'toll_free_rejected', detail: 'why Rejected' });
    expect(reach('Rejected', 'In Progress')).toMatchObject({ status: 'pending', reason: 'toll_free_pending' });
    expect(reach('Rejected', 'Waiting For Customer')).toMatchObject({ status: 'pending', reason: 'toll_free_waiting_for_customer' });
    expect(reach('Waiting For Vendor', 'Verified')).toMatchObject({ status: 'ready', reason: 'toll_free_verified' });
    expect(usReachOfTollFree({ kind: 'lookup_failed' }).status).toBe('unknown');
  });

  it('describes a sender that cannot reach the US in words', () => {
    expect(describeUsReach('+14155550100', { status: 'not_ready', reason: 'ten_dlc_failed', detail: 'Campaign suspended' })).toBe(
      '+14155550100 cannot text US recipients yet: its 10DLC campaign assignment failed (Campaign suspended). Messages to US numbers may be blocked.',
    );
  });
});
