// The floor for the benchmark: only the work that no design can avoid per ended interaction, done
// inline in the webhook request. Verify the Zendesk signature (HMAC-SHA256 over timestamp + raw
// body), fetch the ticket with its users (one Zendesk call), send one SMS (one Telnyx call), answer.
// No rules, no D1, no queue, no SDK, no retries, no exactly-once bookkeeping: a lower bound, not a
// product. Configuration comes from --var (see wrangler.toml).
interface FloorEnv {
  ZENDESK_BASE_URL_TEMPLATE: string;
  ZENDESK_ACCESS_TOKEN: string;
  WEBHOOK_SECRET: string;
  TELNYX_BASE_URL: string;
  TELNYX_API_KEY: string;
  TELNYX_FROM: string;
  TELNYX_PROFILE_ID: string;
}

const PHONE_FIELD_ID = 360001001;
const REPLAY_WINDOW_MS = 5 * 60_000;
const encoder = new TextEncoder();

function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function verify(secret: string, raw: string, signature: string | null, timestamp: string | null): Promise<boolean> {
  if (!signature || !timestamp) return false;
  const ts = Date.parse(timestamp);
  if (Number.isNaN(ts) || Math.abs(Date.now() - ts) > REPLAY_WINDOW_MS) return false;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', key, base64ToBytes(signature), encoder.encode(timestamp + raw));
}

interface TicketAnswer {
  ticket: { id: number; subject?: string; requester_id?: number; custom_fields?: Array<{ id: number; value: unknown }> };
  users?: Array<{ id: number; phone?: string | null }>;
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') return Response.json({ ok: true });
    const match = /^\/v1\/webhooks\/zendesk\/([a-z0-9-]+)$/.exec(url.pathname);
    if (request.method !== 'POST' || !match) return Response.json({ error: 'not_found' }, { status: 404 });
    const subdomain = match[1] as string;

    const raw = await request.text();
    const ok = await verify(
      env.WEBHOOK_SECRET,
      raw,
      request.headers.get('x-zendesk-webhook-signature'),
      request.headers.get('x-zendesk-webhook-signature-timestamp'),
    );
    if (!ok) return Response.json({ error: 'unauthorized' }, { status: 401 });
    const { ticket_id: ticketId } = JSON.parse(raw) as { ticket_id: string };

    const base = env.ZENDESK_BASE_URL_TEMPLATE.replace('{subdomain}', subdomain);
    const zd = await fetch(`${base}/api/v2/tickets/${encodeURIComponent(ticketId)}.json?include=users`, {
      headers: { authorization: `Bearer ${env.ZENDESK_ACCESS_TOKEN}`, accept: 'application/json' },
    });
    if (!zd.ok) return Response.json({ error: 'zendesk', status: zd.status }, { status: 502 });
    const { ticket, users = [] } = (await zd.json()) as TicketAnswer;
    const fieldPhone = ticket.custom_fields?.find((f) => f.id === PHONE_FIELD_ID)?.value;
    const to = typeof fieldPhone === 'string' && fieldPhone ? fieldPhone : users.find((u) => u.id === ticket.requester_id)?.phone;
    if (!to) return Response.json({ sent: false, reason: 'no_number' });

    const tx = await fetch(`${env.TELNYX_BASE_URL}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.TELNYX_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: env.TELNYX_FROM,
        to,
        text: `Thanks for contacting Acme.\n\nTicket: ${ticket.subject ?? ticketId}`,
        messaging_profile_id: env.TELNYX_PROFILE_ID,
      }),
    });
    if (!tx.ok) return Response.json({ error: 'telnyx', status: tx.status }, { status: 502 });
    const sent = (await tx.json()) as { data?: { id?: string } };
    return Response.json({ sent: true, messageId: sent.data?.id ?? null });
  },
};
