// Zendesk webhook signatures, as Zendesk computes them (FACTS.md, "Zendesk webhooks"):
//   X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(key = signing secret as is, message = timestamp + body))
//   X-Zendesk-Webhook-Signature-Timestamp = ISO-8601 without milliseconds, e.g. 2021-07-25T10:00:00Z
// https://developer.zendesk.com/documentation/webhooks/verifying/
// Pure apart from node:crypto; usable from Node tests (not from workerd: use the fake's control API there).
import { createHmac } from 'node:crypto';

/** base64(HMAC-SHA256(secret, timestamp + body)). */
export function signZendeskWebhook(secret: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64');
}

/** `2021-07-25T10:00:00Z`: the timestamp format Zendesk sends (no milliseconds). */
export function zendeskTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
