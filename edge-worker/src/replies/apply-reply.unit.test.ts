// The pure parts of adding a reply: the comment text (masked number for a note, media as links)
// and who counts as the requester.
import { describe, expect, it } from 'vitest';
import { composeReplyComment, isFromRequester, parseMedia } from './apply-reply.ts';

const FROM = '+14155550201';

describe('composeReplyComment', () => {
  it("is the reply's text alone for the requester's public comment", () => {
    expect(composeReplyComment({ body: ' Still broken ', from_phone: FROM }, [], true)).toBe('Still broken');
  });

  it('names the number masked in an internal note, never in full', () => {
    const text = composeReplyComment({ body: 'Refund ok', from_phone: FROM }, [], false);
    expect(text).toMatch(/^SMS reply from \+1 .*0201:\n\nRefund ok$/);
    expect(text).not.toContain(FROM);
  });

  it('links MMS media by URL with their type', () => {
    const text = composeReplyComment({ body: '', from_phone: FROM }, [{ url: 'https://m.example/a.jpg', contentType: 'image/jpeg' }], true);
    expect(text).toBe('(no text)\n\nAttachments (MMS):\n- https://m.example/a.jpg (image/jpeg)');
  });
});

describe('isFromRequester', () => {
  const ticket = { requester_id: 7 };
  it('is true for a reply to an SMS sent to the customer from that number', () => {
    expect(isFromRequester({ from_phone: FROM }, { recipient_kind: 'customer', recipient: FROM }, ticket, [], 'US')).toBe(true);
  });
  it("is true when the number is the requester's own phone, whatever the SMS's recipient kind", () => {
    const users = [{ id: 7, name: 'Carla', role: 'end-user' as const, phone: '(415) 555-0201' }];
    expect(isFromRequester({ from_phone: FROM }, { recipient_kind: 'other', recipient: FROM }, ticket, users, 'US')).toBe(true);
  });
  it('is false for another number', () => {
    expect(isFromRequester({ from_phone: FROM }, { recipient_kind: 'assigned_agent', recipient: FROM }, ticket, [], 'US')).toBe(false);
  });
});

describe('parseMedia', () => {
  it('reads the stored JSON and drops anything malformed', () => {
    expect(parseMedia('[{"url":"https://x","contentType":null},{"nope":1}]')).toEqual([{ url: 'https://x', contentType: null }]);
    expect(parseMedia('not json')).toEqual([]);
  });
});
