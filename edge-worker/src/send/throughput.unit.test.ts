import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_BURST, senderClassOf, TELNYX_ACCOUNT_SMS_RATE, throughputFor } from './throughput.ts';

const none = { senderThroughput: [], accountMessagesPerSecond: null };

describe('send throughput', () => {
  it('classifies senders from their text', () => {
    expect(senderClassOf('+14155550123')).toBe('long_code');
    expect(senderClassOf('+18885550100')).toBe('toll_free');
    expect(senderClassOf('12345')).toBe('short_code');
    expect(senderClassOf('Acme')).toBe('alphanumeric');
  });

  it("uses Telnyx's default rates per class and for the account", () => {
    expect(throughputFor(none, '+14155550123')).toEqual({
      senderClass: 'long_code',
      sender: { perSecond: 0.1, burst: DEFAULT_MIN_BURST },
      account: { perSecond: TELNYX_ACCOUNT_SMS_RATE, burst: TELNYX_ACCOUNT_SMS_RATE },
      overridden: false,
    });
    expect(throughputFor(none, '+18885550100').sender).toEqual({ perSecond: 20, burst: 20 });
    expect(throughputFor(none, '12345').sender).toEqual({ perSecond: 1000, burst: 1000 });
    expect(throughputFor(none, 'Acme').sender.perSecond).toBe(0.1);
  });

  it('takes a per-number override and the account rate from the settings', () => {
    const settings = { senderThroughput: [{ sender: '+14155550123', messagesPerSecond: 4.5 }], accountMessagesPerSecond: 200 };
    expect(throughputFor(settings, '+14155550123')).toMatchObject({ sender: { perSecond: 4.5, burst: DEFAULT_MIN_BURST }, account: { perSecond: 200, burst: 200 }, overridden: true });
    expect(throughputFor(settings, '+14155550124')).toMatchObject({ sender: { perSecond: 0.1 }, overridden: false });
    expect(throughputFor({ ...settings, senderThroughput: [{ sender: '+14155550123', messagesPerSecond: 40, burst: 1 }] }, '+14155550123').sender).toEqual({ perSecond: 40, burst: 1 });
  });
});
