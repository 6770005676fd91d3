// The Zendesk fake against the Zendesk contract it claims: auth, OAuth (consent, PKCE code grant,
// refresh, revocation), each endpoint, pagination, faults, webhook signatures and ZAF signed-URL
// tokens checked independently with node:crypto.
import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zendeskControl } from './control-client.ts';
import type { ZendeskControl } from './control-client.ts';
import { zendeskGroup } from './zendesk-data.ts';
import type { ZendeskComment, ZendeskGroup, ZendeskTicket, ZendeskTicketField, ZendeskUser } from './zendesk-data.ts';
import {
  demoAccount,
  generateZendeskAppKeyPair,
  pkceChallenge,
  signZendeskAppToken,
  signZendeskWebhook,
  startZendeskFake,
  ZENDESK_DEMO,
  zendeskAppClaims,
} from './zendesk-fake.ts';
import type { ZendeskFake } from './zendesk-fake.ts';

const D = ZENDESK_DEMO;
const SUB = 'acme';
let fake: ZendeskFake;
let control: ZendeskControl;

/** The JSON body of a vendor answer, typed by the caller. */
const read = async <T>(res: Response): Promise<T> => (await res.json()) as T;
type ErrorBody = { error: string; error_description?: string; description?: string; details: Record<string, { error: string }[]> };
type Page<K extends string, T> = Record<K, T[]> & {
  next_page: string | null;
  previous_page: string | null;
  count: number;
  meta: { has_more: boolean };
  links: { next: string | null };
};
type Audit = { events: Record<string, unknown>[] };

const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const { token = D.accessToken, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  if (rest.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(`${fake.url}/${SUB}/api/v2/${path}`, { ...rest, headers });
};

beforeAll(async () => {
  fake = await startZendeskFake();
  control = zendeskControl(fake.url);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  await control.reset();
  expect((await control.seedAccount(SUB, demoAccount())).baseUrl).toBe(`${fake.url}/${SUB}`);
});

describe('auth', () => {
  it('accepts a seeded bearer token', async () => {
    const res = await api('users/me.json');
    expect(res.status).toBe(200);
    expect((await read<{ user: ZendeskUser }>(res)).user).toMatchObject({ id: D.users.admin, role: 'admin', phone: D.phones.admin });
  });

  it("rejects an unknown token with Zendesk's invalid_token body", async () => {
    const res = await api('users/me.json', { token: 'nope' });
    expect(res.status).toBe(401);
    expect(await read<ErrorBody>(res)).toEqual({
      error: 'invalid_token',
      error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
    });
  });

  it('rejects an expired token', async () => {
    await control.expireTokens(SUB);
    const res = await api('users/me.json');
    expect(res.status).toBe(401);
    expect((await read<ErrorBody>(res)).error).toBe('invalid_token');
  });

  it('rejects a request without Authorization', async () => {
    const res = await api('users/me.json', { token: null });
    expect(res.status).toBe(401);
  });

  it('answers 404 "no help desk" for an unknown subdomain', async () => {
    const res = await fetch(`${fake.url}/nowhere/api/v2/users/me.json`, {
      headers: { authorization: `Bearer ${D.accessToken}` },
    });
    expect(res.status).toBe(404);
    expect((await read<{ error: { title: string } }>(res)).error.title).toBe('No help desk at nowhere.zendesk.com');
  });

  it('keeps accounts apart: a token of one account does not open another', async () => {
    await control.seedAccount('other', { ...demoAccount(), tokens: [{ accessToken: 'other-token' }] });
    const res = await fetch(`${fake.url}/other/api/v2/users/me.json`, {
      headers: { authorization: `Bearer ${D.accessToken}` },
    });
    expect(res.status).toBe(401);
  });

  it('forbids webhooks to a non-admin agent', async () => {
    await control.seedAccount(SUB, {
      ...demoAccount(),
      tokens: [{ accessToken: 'agent-token', userId: D.users.agent }],
    });
    const res = await api('webhooks', { token: 'agent-token', method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
  });
});

describe('OAuth refresh (POST /oauth/tokens)', () => {
  const refresh = (body: Record<string, string>, form = false) =>
    fetch(`${fake.url}/${SUB}/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
  const good = {
    grant_type: 'refresh_token',
    refresh_token: D.refreshToken,
    client_id: D.clientId,
    client_secret: D.clientSecret,
  };

  it('issues a new pair and rotates: old access and refresh tokens stop working', async () => {
    const res = await refresh(good);
    expect(res.status).toBe(200);
    const body = await read<{ access_token: string; refresh_token: string }>(res);
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 7200 });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).not.toBe(D.refreshToken);

    expect((await api('users/me.json', { token: body.access_token })).status).toBe(200);
    expect((await api('users/me.json')).status).toBe(401);
    expect((await refresh(good)).status).toBe(400);

    const snapshot = await control.account(SUB);
    expect(snapshot.refreshCount).toBe(1);
  });

  it('accepts a form-encoded body', async () => {
    expect((await refresh(good, true)).status).toBe(200);
  });

  it('answers 400 invalid_grant for an unknown refresh token', async () => {
    const res = await refresh({ ...good, refresh_token: 'wrong' });
    expect(res.status).toBe(400);
    expect((await read<ErrorBody>(res)).error).toBe('invalid_grant');
  });

  it('answers 401 invalid_client for a wrong client secret', async () => {
    const res = await refresh({ ...good, client_secret: 'wrong' });
    expect(res.status).toBe(401);
    expect((await read<ErrorBody>(res)).error).toBe('invalid_client');
  });

  it('answers 400 unsupported_grant_type for other grants', async () => {
    const res = await refresh({ ...good, grant_type: 'password' });
    expect(res.status).toBe(400);
    expect((await read<ErrorBody>(res)).error).toBe('unsupported_grant_type');
  });
});

describe('reads', () => {
  it('shows a user and many users', async () => {
    const one = await read<{ user: ZendeskUser }>(await api(`users/${D.users.supervisor}.json`));
    expect(one.user).toMatchObject({ name: 'Sam Supervisor', custom_role_id: D.customRoles.supervisor });
    const many = await read<{ users: ZendeskUser[] }>(await api(`users/show_many.json?ids=${D.users.customer},${D.users.customerNoPhone}`));
    expect(many.users.map((u) => u.id)).toEqual([D.users.customer, D.users.customerNoPhone]);
    expect(many.users[1]?.phone).toBeNull();
  });

  it('answers 404 RecordNotFound for an unknown record', async () => {
    const res = await api('users/42.json');
    expect(res.status).toBe(404);
    expect(await read<ErrorBody>(res)).toEqual({ error: 'RecordNotFound', description: 'Not found' });
  });

  it('lists custom roles', async () => {
    const body = await read<{ custom_roles: { name: string }[] }>(await api('custom_roles.json'));
    expect(body.custom_roles.map((r) => r.name)).toEqual(['Supervisor', 'Staff', 'Light agent']);
  });

  it('lists ticket fields, with "phoneNumber" (key null) and the "Order type" dropdown', async () => {
    const body = await read<Page<'ticket_fields', ZendeskTicketField>>(await api('ticket_fields.json'));
    const phone = body.ticket_fields.find((f) => f.id === D.fields.phoneNumber);
    expect(phone).toMatchObject({ title: 'phoneNumber', type: 'text', key: null });
    const order = body.ticket_fields.find((f) => f.title === 'Order type');
    expect(order?.custom_field_options?.map((o) => o.value)).toContain('order_online');
    // Without page[size] the list is not paginated: every field, no count or next_page (documented schema).
    expect(body.count).toBeUndefined();
    expect(body.next_page).toBeUndefined();
  });

  it('shows a ticket without sideloads unless asked', async () => {
    type Show = { ticket: ZendeskTicket; users?: ZendeskUser[]; groups?: ZendeskGroup[] };
    const plain = await read<Show>(await api(`tickets/${D.tickets.damagedOrder}.json`));
    expect(plain.users).toBeUndefined();
    expect(plain.ticket.custom_fields).toContainEqual({ id: D.fields.phoneNumber, value: D.phones.customer });

    const full = await read<Show>(await api(`tickets/${D.tickets.damagedOrder}.json?include=users,groups`));
    expect(full.users?.map((u) => u.id).sort()).toEqual([D.users.agent, D.users.customer]);
    expect(full.groups).toEqual([expect.objectContaining({ id: D.groups.support, name: 'Support' })]);
  });

  it('lists comments with Zendesk fields, HTML bodies and internal notes', async () => {
    const body = await read<Page<'comments', ZendeskComment>>(await api(`tickets/${D.tickets.damagedOrder}/comments.json`));
    expect(body.comments).toHaveLength(4);
    expect(body.next_page).toBeNull();
    const [first, , note, reply] = body.comments as [ZendeskComment, ZendeskComment, ZendeskComment, ZendeskComment];
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining(['id', 'type', 'author_id', 'body', 'html_body', 'plain_body', 'public', 'created_at']),
    );
    expect(first.html_body).toContain('<strong>#A-1042</strong>');
    expect(note.public).toBe(false);
    expect(reply.body).toContain('wrote:\n> Hi Carla');
  });

  it('works with and without the .json suffix', async () => {
    expect((await api('groups')).status).toBe(200);
    expect((await api('groups.json')).status).toBe(200);
  });
});

describe('pagination', () => {
  it('pages groups by offset with next_page, previous_page and count', async () => {
    const first = await read<Page<'groups', ZendeskGroup>>(await api('groups.json?per_page=2'));
    expect(first.groups.map((g) => g.name)).toEqual(['Support', 'Billing']);
    expect(first.count).toBe(3);
    expect(first.previous_page).toBeNull();
    const second = await read<Page<'groups', ZendeskGroup>>(
      await fetch(first.next_page ?? '', { headers: { authorization: `Bearer ${D.accessToken}` } }),
    );
    expect(second.groups.map((g) => g.name)).toEqual(['VIP']);
    expect(second.next_page).toBeNull();
    expect(second.previous_page).toContain('page=1');
  });

  it('pages comments by cursor with meta.has_more and links.next', async () => {
    const seen: number[] = [];
    let url: string | null = `${fake.url}/${SUB}/api/v2/tickets/${D.tickets.damagedOrder}/comments.json?page[size]=3`;
    let pages = 0;
    while (url) {
      const body: Page<'comments', ZendeskComment> = await read(
        await fetch(url, { headers: { authorization: `Bearer ${D.accessToken}` } }),
      );
      seen.push(...body.comments.map((c) => c.id));
      expect(body.meta.has_more).toBe(body.links.next !== null);
      url = body.links.next;
      pages += 1;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual([7001, 7002, 7003, 7004]);
  });
});

describe('writes', () => {
  it('adds an internal note with PUT tickets/{id} and returns {ticket, audit}', async () => {
    const res = await api(`tickets/${D.tickets.damagedOrder}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: 'SMS sent to +1555…0001', public: false } } }),
    });
    expect(res.status).toBe(200);
    const body = await read<{ ticket: ZendeskTicket; audit: Audit }>(res);
    expect(body.ticket.id).toBe(D.tickets.damagedOrder);
    expect(body.audit.events[0]).toMatchObject({ type: 'Comment', body: 'SMS sent to +1555…0001', public: false });

    const { comments } = await read<Page<'comments', ZendeskComment>>(await api(`tickets/${D.tickets.damagedOrder}/comments.json`));
    expect(comments.at(-1)).toMatchObject({ public: false, author_id: D.users.admin, plain_body: 'SMS sent to +1555…0001' });
  });

  it('changes the status and records the change in the audit', async () => {
    const body = await read<{ ticket: ZendeskTicket; audit: Audit }>(
      await api(`tickets/${D.tickets.noPhone}.json`, { method: 'PUT', body: JSON.stringify({ ticket: { status: 'pending' } }) }),
    );
    expect(body.ticket.status).toBe('pending');
    expect(body.audit.events).toContainEqual(expect.objectContaining({ field_name: 'status', value: 'pending', previous_value: 'new' }));
  });

  it('answers 422 RecordInvalid for a blank comment and for a closed ticket', async () => {
    const blank = await api(`tickets/${D.tickets.damagedOrder}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: ' ' } } }),
    });
    expect(blank.status).toBe(422);
    expect((await read<ErrorBody>(blank)).error).toBe('RecordInvalid');

    const closed = await api(`tickets/${D.tickets.closed}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: 'hi', public: false } } }),
    });
    expect(closed.status).toBe(422);
    expect((await read<ErrorBody>(closed)).details.status?.[0]?.error).toBe('ClosedPreventsUpdate');
  });

  it('creates a webhook, shows its signing secret, and links a trigger to it', async () => {
    const created = await api('webhooks', {
      method: 'POST',
      body: JSON.stringify({
        webhook: {
          name: 'Post-interaction SMS',
          endpoint: 'https://worker.test/v1/zendesk/webhook',
          http_method: 'POST',
          request_format: 'json',
          status: 'active',
          subscriptions: ['conditional_ticket_events'],
        },
      }),
    });
    expect(created.status).toBe(201);
    const { webhook } = await read<{ webhook: { id: string } }>(created);
    expect(webhook).toMatchObject({ id: expect.any(String), status: 'active', subscriptions: ['conditional_ticket_events'] });

    const secret = await read<{ signing_secret: unknown }>(await api(`webhooks/${webhook.id}/signing_secret`));
    expect(secret.signing_secret).toEqual({ algorithm: 'SHA256', secret: expect.any(String) });

    const trigger = await api('triggers', {
      method: 'POST',
      body: JSON.stringify({
        trigger: {
          title: 'Post-interaction SMS: solved',
          conditions: { all: [{ field: 'status', operator: 'value', value: 'solved' }] },
          actions: [{ field: 'notification_webhook', value: [webhook.id, '{"ticket_id":"{{ticket.id}}"}'] }],
        },
      }),
    });
    expect(trigger.status).toBe(201);
    const list = await read<Page<'triggers', unknown>>(await api('triggers.json'));
    expect(list.triggers).toHaveLength(1);
    expect(list.count).toBe(1);
  });

  it('answers 400 for a webhook without required fields and 422 for a trigger without title', async () => {
    const hook = await api('webhooks', { method: 'POST', body: JSON.stringify({ webhook: { name: 'x' } }) });
    expect(hook.status).toBe(400);
    expect((await read<{ errors: unknown[] }>(hook)).errors.length).toBeGreaterThan(0);
    const trigger = await api('triggers', {
      method: 'POST',
      body: JSON.stringify({ trigger: { conditions: { all: [{ field: 'status', operator: 'is', value: 'solved' }] }, actions: [] } }),
    });
    expect(trigger.status).toBe(422);
    expect((await read<ErrorBody>(trigger)).details.title?.[0]?.error).toBe('BlankValue');
  });
});

describe('recording and faults', () => {
  it('records requests with method, path, query, headers and parsed body', async () => {
    const since = (await control.requests()).last;
    await api(`tickets/${D.tickets.damagedOrder}.json?include=users`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: 'x', public: false } } }),
    });
    const { requests } = await control.requests({ since, subdomain: SUB });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      path: `/${SUB}/api/v2/tickets/${D.tickets.damagedOrder}.json`,
      query: { include: 'users' },
      body: { ticket: { comment: { body: 'x', public: false } } },
    });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${D.accessToken}`);
  });

  it('injects a 429 with Retry-After, for the given number of times', async () => {
    await control.addFault({ pathPattern: '/tickets/\\d+', status: 429, times: 2, headers: { 'Retry-After': '7' } });
    for (let i = 0; i < 2; i += 1) {
      const res = await api(`tickets/${D.tickets.damagedOrder}.json`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
    }
    expect((await api(`tickets/${D.tickets.damagedOrder}.json`)).status).toBe(200);
  });

  it('injects a fault only for the given method', async () => {
    await control.addFault({ method: 'PUT', pathPattern: '/tickets/', status: 503 });
    expect((await api(`tickets/${D.tickets.damagedOrder}.json`)).status).toBe(200);
    const res = await api(`tickets/${D.tickets.damagedOrder}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { status: 'open' } }),
    });
    expect(res.status).toBe(503);
  });

  it('drops the connection without answering', async () => {
    await control.addFault({ pathPattern: '/users/me', dropConnection: true });
    await expect(api('users/me.json')).rejects.toThrow();
    expect((await api('users/me.json')).status).toBe(200);
  });

  it('delays a response', async () => {
    await control.addFault({ pathPattern: '/users/me', delayMs: 150 });
    const started = Date.now();
    expect((await api('users/me.json')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('afterAccept: applies the write, then answers the fault', async () => {
    await control.addFault({ method: 'PUT', pathPattern: '/tickets/', status: 500, afterAccept: true });
    const res = await api(`tickets/${D.tickets.damagedOrder}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: 'ambiguous', public: false } } }),
    });
    expect(res.status).toBe(500);
    const { comments } = await read<Page<'comments', ZendeskComment>>(await api(`tickets/${D.tickets.damagedOrder}/comments.json`));
    expect(comments.at(-1)?.plain_body).toBe('ambiguous');
  });

  it('random faults (soak): an outage of /api/v2/ with counts; OAuth and control routes are not touched; reset clears them', async () => {
    await control.setRandomFaults({ seed: 4, rate: 0, pathPattern: '/api/v2/', outage: { durationMs: 60_000, status: 503 } });
    expect((await api('users/me.json')).status).toBe(503);
    expect((await api(`tickets/${D.tickets.damagedOrder}.json`)).status).toBe(503);
    expect((await control.account(SUB)).subdomain).toBe(SUB);
    const answer = await control.randomFaults();
    expect(answer).toMatchObject({ considered: 2, injected: { outage: 2 } });
    await control.reset();
    await control.seedAccount(SUB, demoAccount());
    expect((await api('users/me.json')).status).toBe(200);
    expect((await control.randomFaults()).injected).toEqual({});
  });

  it('random faults (soak): a 429 by rate carries Retry-After', async () => {
    await control.setRandomFaults({ seed: 4, rate: 1, kinds: { '429': 1 }, pathPattern: '/api/v2/', retryAfterS: 5 });
    const res = await api('users/me.json');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    await control.clearRandomFaults();
    expect((await api('users/me.json')).status).toBe(200);
  });

  it('clears faults', async () => {
    await control.addFault({ pathPattern: '.', status: 500, times: -1 });
    await control.clearFaults();
    expect((await api('users/me.json')).status).toBe(200);
  });
});

describe('webhook requests (control: solve)', () => {
  const verify = (secret: string, headers: Record<string, string>, body: string) => {
    const expected = createHmac('sha256', secret)
      .update(headers['X-Zendesk-Webhook-Signature-Timestamp'] + body)
      .digest();
    const given = Buffer.from(headers['X-Zendesk-Webhook-Signature']!, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  it('solves the ticket and returns a request signed as Zendesk signs it', async () => {
    const request = await control.solveTicket(SUB, D.tickets.damagedOrder, { signingSecret: 's3cret' });
    expect(request.headers).toMatchObject({
      'User-Agent': 'Zendesk Webhook',
      'X-Zendesk-Webhook-Id': expect.any(String),
      'X-Zendesk-Webhook-Invocation-Id': expect.stringMatching(/^\d+$/),
    });
    expect(request.headers['X-Zendesk-Webhook-Signature-Timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(verify('s3cret', request.headers, request.body)).toBe(true);
    expect(verify('other', request.headers, request.body)).toBe(false);
    expect(JSON.parse(request.body)).toMatchObject({
      ticket_id: String(D.tickets.damagedOrder),
      event: 'ticket_solved',
      status: 'solved',
    });
    const ticket = await read<{ ticket: ZendeskTicket }>(await api(`tickets/${D.tickets.damagedOrder}.json`));
    expect(ticket.ticket.status).toBe('solved');
  });

  it('exports the signing function (matches a hand-computed HMAC)', () => {
    const body = '{"ticket_id":"1"}';
    const ts = '2021-07-25T10:00:00Z';
    expect(signZendeskWebhook('abc', body, ts)).toBe(
      createHmac('sha256', 'abc')
        .update(ts + body)
        .digest('base64'),
    );
  });

  it("renders the body of the trigger linked to the webhook and uses the webhook's own secret", async () => {
    const { webhook } = await read<{ webhook: { id: string } }>(
      await api('webhooks', {
        method: 'POST',
        body: JSON.stringify({
          webhook: { name: 'w', endpoint: 'https://worker.test/hook', http_method: 'POST', request_format: 'json', status: 'active' },
        }),
      }),
    );
    await api('triggers', {
      method: 'POST',
      body: JSON.stringify({
        trigger: {
          title: 't',
          conditions: { all: [{ field: 'status', operator: 'is', value: 'solved' }] },
          actions: [
            {
              field: 'notification_webhook',
              value: [
                webhook.id,
                '{"ticket_id":"{{ticket.id}}","status":"{{ticket.status}}","group":"{{ticket.group.name}}","order":"{{ticket.ticket_field_option_title_360001002}}"}',
              ],
            },
          ],
        },
      }),
    });
    const secret = (await read<{ signing_secret: { secret: string } }>(await api(`webhooks/${webhook.id}/signing_secret`))).signing_secret
      .secret;
    const request = await control.solveTicket(SUB, D.tickets.damagedOrder);
    expect(request.url).toBe('https://worker.test/hook');
    expect(request.headers['X-Zendesk-Webhook-Id']).toBe(webhook.id);
    expect(JSON.parse(request.body)).toEqual({
      ticket_id: String(D.tickets.damagedOrder),
      status: 'Solved',
      group: 'Support',
      order: 'Online',
    });
    expect(verify(secret, request.headers, request.body)).toBe(true);
  });

  it('delivers the request when asked', async () => {
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    try {
      const request = await control.solveTicket(SUB, D.tickets.vipChat, {
        signingSecret: 'k',
        webhookUrl: `http://127.0.0.1:${port}/hook`,
        deliver: true,
      });
      expect(request.delivery?.status).toBe(200);
      expect(received).toHaveLength(1);
      expect(received[0]!.body).toBe(request.body);
      expect(received[0]!.headers['x-zendesk-webhook-signature']).toBe(request.headers['X-Zendesk-Webhook-Signature']);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('signs an arbitrary body with a chosen timestamp (for stale-timestamp tests)', async () => {
    const request = await control.webhookRequest({ signingSecret: 'k', body: '{"a":1}', timestamp: '2020-01-01T00:00:00Z' });
    expect(request.headers['X-Zendesk-Webhook-Signature']).toBe(signZendeskWebhook('k', '{"a":1}', '2020-01-01T00:00:00Z'));
  });
});

describe('ZAF signed URLs (app key pair, control: app-tokens)', () => {
  const appToken = async (options: Parameters<ZendeskControl['appToken']>[0]) => (await control.appToken(options)).token;
  const decode = (token: string) => {
    const [header, claims, signature] = token.split('.') as [string, string, string];
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>,
      verifies: (pem: string) =>
        verify('sha256', Buffer.from(`${header}.${claims}`), createPublicKey(pem), Buffer.from(signature, 'base64url')),
    };
  };

  it('serves the public key as SPKI PEM to an authenticated caller, the same as control app-key', async () => {
    const res = await api('apps/987654/public_key.pem');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const pem = await res.text();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(pem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect((await control.appKey()).publicKeyPem).toBe(pem);
    expect((await api('apps/987654/public_key.pem', { token: null })).status).toBe(401);
    expect((await api('apps/987654/public_key.pem', { token: 'nope' })).status).toBe(401);
  });

  it('signs an RS256 token with the claims Zendesk sends, verifiable with the public key', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await appToken({ subdomain: SUB, appInstallationId: 360001, userId: D.users.agent, location: 'ticket_sidebar' });
    const { header, claims, verifies } = decode(token);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(verifies((await control.appKey()).publicKeyPem)).toBe(true);
    expect(claims).toMatchObject({
      iss: 'acme.zendesk.com',
      aud: 'https://acme.zendesk.com/api/v2/apps/installations/360001.json',
      sub: `https://acme.zendesk.com/api/v2/users/${D.users.agent}.json`,
      qsh: expect.stringMatching(/^[0-9a-f]+$/),
      context: { product: 'support', location: 'ticket_sidebar' },
    });
    const iat = claims.iat as number;
    expect(iat).toBeGreaterThanOrEqual(before);
    expect(claims.nbf).toBe(iat);
    expect(claims.exp).toBe(iat + 300);
  });

  it('lets a test break one claim, drop one, change the header or sign with another key', async () => {
    const pem = (await control.appKey()).publicKeyPem;
    const base = { subdomain: SUB, appInstallationId: 7, userId: D.users.admin, location: 'nav_bar' as const };
    const custom = decode(
      await appToken({ ...base, issuedAtS: 1_700_000_000, lifetimeS: 60, claims: { iss: 'evil.zendesk.com' }, omitClaims: ['nbf'] }),
    );
    expect(custom.claims).toMatchObject({ iss: 'evil.zendesk.com', iat: 1_700_000_000, exp: 1_700_000_060 });
    expect(custom.claims).not.toHaveProperty('nbf');
    expect(custom.verifies(pem)).toBe(true);
    const hs = decode(await appToken({ ...base, header: { alg: 'HS256' } }));
    expect(hs.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(await appToken({ ...base, wrongKey: true })).verifies(pem)).toBe(false);
  });

  it('refuses an unknown account or user with 404', async () => {
    const base = { subdomain: SUB, appInstallationId: 7, userId: D.users.admin, location: 'nav_bar' as const };
    await expect(control.appToken({ ...base, subdomain: 'nowhere' })).rejects.toThrow(/-> 404/);
    await expect(control.appToken({ ...base, userId: 42 })).rejects.toThrow(/-> 404/);
  });

  it('exports the signing as a pure function', () => {
    const pair = generateZendeskAppKeyPair();
    const claims = zendeskAppClaims({ subdomain: 'beta', appInstallationId: 1, userId: 2, location: 'nav_bar', issuedAtS: 100 });
    const token = decode(signZendeskAppToken(pair.privateKey, claims));
    expect(token.verifies(pair.publicKeyPem)).toBe(true);
    expect(token.claims).toEqual({ ...claims });
    expect(token.claims).toMatchObject({ iss: 'beta.zendesk.com', exp: 400, context: { product: 'support', location: 'nav_bar' } });
  });
});

describe('OAuth authorization code grant with PKCE (global clients)', () => {
  const CLIENT = { clientId: 'pisms_global', clientSecret: 'global-secret', name: 'Post-Interaction SMS' };
  const REDIRECT = 'https://worker.test/oauth/zendesk/callback';
  const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const authorizeParams = (overrides: Record<string, string | undefined> = {}) => {
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      scope: 'read write',
      state: 'st-123',
      code_challenge: pkceChallenge(VERIFIER),
      code_challenge_method: 'S256',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  };
  const authorizeUrl = (overrides: Record<string, string | undefined> = {}) =>
    `${fake.url}/${SUB}/oauth/authorizations/new?${new URLSearchParams(authorizeParams(overrides))}`;
  const consent = (fields: Record<string, string>) =>
    fetch(`${fake.url}/${SUB}/oauth/authorizations/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  /** Consents as `userId` and returns the code from the redirect. */
  const codeFor = async (userId: number = D.users.admin, overrides: Record<string, string | undefined> = {}) => {
    const res = await consent({ ...authorizeParams(overrides), user_id: String(userId), decision: 'allow' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
  };
  const token = (body: Record<string, string>, form = false) =>
    fetch(`${fake.url}/${SUB}/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
    });
  const exchange = (code: string, extra: Record<string, string> = {}) =>
    token({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      ...extra,
    });
  type Tokens = { access_token: string; refresh_token: string; expires_in: number; refresh_token_expires_in: number; scope: string };

  beforeEach(async () => {
    await control.setOAuthClients([{ ...CLIENT, redirectUris: [REDIRECT] }]);
  });

  it('stores the global clients with Zendesk default TTLs', async () => {
    expect(await control.oauthClients()).toEqual([
      { ...CLIENT, redirectUris: [REDIRECT], accessTokenTtlS: 1800, refreshTokenTtlS: 2_592_000 },
    ]);
    await expect(control.setOAuthClients([{ clientId: 'x', clientSecret: '' } as never])).rejects.toThrow(/-> 400/);
  });

  it('shows a consent page naming the client, the scopes and the account, with a user picker', async () => {
    const res = await fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('<title>Allow access to your Zendesk account?</title>');
    expect(page).toContain('Post-Interaction SMS');
    expect(page).toContain('acme.zendesk.com');
    expect(page).toContain('<code>read</code>');
    expect(page).toContain('<code>write</code>');
    expect(page).toContain('<label for="user_id">Signed in as</label>');
    expect(page).toMatch(/<form method="post" action="\/acme\/oauth\/authorizations\/new">/);
    expect(page).toContain(`<option value="${D.users.admin}" selected>`);
    for (const id of [D.users.supervisor, D.users.agent, D.users.agentNoPhone]) expect(page).toContain(`<option value="${id}">`);
    expect(page).not.toContain(`<option value="${D.users.customer}"`);
    for (const [name, value] of Object.entries(authorizeParams())) {
      expect(page).toContain(`<input type="hidden" name="${name}" value="${value}">`);
    }
    expect(page).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(page).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
  });

  it('answers an invalid request with a 400 error page and never redirects', async () => {
    const cases: Record<string, string | undefined>[] = [
      { client_id: 'unknown' },
      { redirect_uri: 'https://evil.test/callback' },
      { redirect_uri: `${REDIRECT}?x=1` },
      { redirect_uri: undefined },
      { response_type: 'token' },
      { code_challenge_method: 'plain' },
      { code_challenge_method: undefined },
      { code_challenge: undefined },
      { code_challenge: 'short' },
      { scope: undefined },
      { scope: 'read everything' },
    ];
    for (const overrides of cases) {
      const res = await fetch(authorizeUrl(overrides), { redirect: 'manual' });
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('Invalid authorization request');
      const post = await consent({ ...authorizeParams(overrides), user_id: String(D.users.admin), decision: 'allow' });
      expect(post.status, JSON.stringify(overrides)).toBe(400);
      expect(post.headers.get('location')).toBeNull();
    }
  });

  it('redirects with error=access_denied and the state on deny', async () => {
    const res = await consent({ ...authorizeParams(), user_id: String(D.users.admin), decision: 'deny' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('redirects with a code and the state on allow; refuses users who cannot sign in', async () => {
    const res = await consent({ ...authorizeParams(), user_id: String(D.users.admin), decision: 'allow' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/);
    expect(location.searchParams.get('state')).toBe('st-123');
    const customer = await consent({ ...authorizeParams(), user_id: String(D.users.customer), decision: 'allow' });
    expect(customer.status).toBe(400);
  });

  it('exchanges the code with the right verifier for tokens of the consenting user and client', async () => {
    const code = await codeFor(D.users.agent);
    const res = await exchange(code);
    expect(res.status).toBe(200);
    const body = await read<Tokens & { token_type: string }>(res);
    expect(body).toMatchObject({ token_type: 'bearer', scope: 'read write', expires_in: 1800, refresh_token_expires_in: 2_592_000 });
    expect(body.refresh_token).toEqual(expect.any(String));
    const me = await read<{ user: ZendeskUser }>(await api('users/me.json', { token: body.access_token }));
    expect(me.user.id).toBe(D.users.agent);
    const snapshot = await control.account(SUB);
    expect(snapshot.tokens.find((t) => t.accessToken === body.access_token)).toMatchObject({
      clientId: CLIENT.clientId,
      userId: D.users.agent,
    });
  });

  it('refuses a missing or wrong verifier, another redirect_uri, a wrong secret; the code survives those', async () => {
    const code = await codeFor();
    const { code_verifier: _omit, ...withoutVerifier } = {
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    };
    const missing = await token(withoutVerifier);
    expect(missing.status).toBe(400);
    expect((await read<ErrorBody>(missing)).error).toBe('invalid_grant');
    const wrong = await exchange(code, { code_verifier: `${VERIFIER.slice(0, -1)}A` });
    expect(wrong.status).toBe(400);
    expect((await read<ErrorBody>(wrong)).error).toBe('invalid_grant');
    expect((await exchange(code, { redirect_uri: 'https://worker.test/other' })).status).toBe(400);
    const secret = await exchange(code, { client_secret: 'nope' });
    expect(secret.status).toBe(401);
    expect((await read<ErrorBody>(secret)).error).toBe('invalid_client');
    expect((await exchange(code)).status).toBe(200);
  });

  it('accepts a code without PKCE only without a verifier, and a form-encoded token request', async () => {
    const plain = await codeFor(D.users.admin, { code_challenge: undefined, code_challenge_method: undefined });
    expect((await exchange(plain)).status).toBe(400);
    const res = await token(
      {
        grant_type: 'authorization_code',
        code: plain,
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        redirect_uri: REDIRECT,
      },
      true,
    );
    expect(res.status).toBe(200);
  });

  it('refuses to use a code twice', async () => {
    const code = await codeFor();
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(400);
    expect((await read<ErrorBody>(again)).error).toBe('invalid_grant');
  });

  it('lets a code lapse after 120 seconds (fake clock)', async () => {
    const fresh = await codeFor();
    const stale = await codeFor();
    await control.setClockOffset(119_000);
    expect((await exchange(fresh)).status).toBe(200);
    await control.setClockOffset(121_000);
    const res = await exchange(stale);
    expect(res.status).toBe(400);
    expect((await read<ErrorBody>(res)).error).toBe('invalid_grant');
    expect((await control.clock()).offsetMs).toBe(121_000);
  });

  it('refresh rotates: a new pair, and the old access and refresh tokens stop working', async () => {
    const first = await read<Tokens>(await exchange(await codeFor()));
    const refresh = (refreshToken: string) =>
      token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    const second = await read<Tokens>(res);
    expect(second).toMatchObject({ scope: 'read write', expires_in: 1800, refresh_token_expires_in: 2_592_000 });
    expect(second.access_token).not.toBe(first.access_token);
    expect((await api('users/me.json', { token: second.access_token })).status).toBe(200);
    expect((await api('users/me.json', { token: first.access_token })).status).toBe(401);
    expect((await refresh(first.refresh_token)).status).toBe(400);
    // Another client's credentials cannot use it.
    await control.addOAuthClients([{ clientId: 'other', clientSecret: 'other-secret', redirectUris: [] }]);
    const other = await token({
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token,
      client_id: 'other',
      client_secret: 'other-secret',
    });
    expect(other.status).toBe(400);
    expect((await control.oauthClients()).map((c) => c.clientId)).toEqual([CLIENT.clientId, 'other']);
  });

  it('expires access tokens after the TTL and refresh tokens after theirs', async () => {
    await control.setOAuthClients([{ ...CLIENT, redirectUris: [REDIRECT], accessTokenTtlS: 300, refreshTokenTtlS: 604_800 }]);
    const tokens = await read<Tokens>(await exchange(await codeFor()));
    expect(tokens).toMatchObject({ expires_in: 300, refresh_token_expires_in: 604_800 });
    await control.setClockOffset(301_000);
    expect((await api('users/me.json', { token: tokens.access_token })).status).toBe(401);
    await control.setClockOffset(604_801_000);
    const res = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    expect(res.status).toBe(400);
    expect((await read<ErrorBody>(res)).error).toBe('invalid_grant');
  });

  it('revoke-refresh-tokens makes every refresh token of the account fail', async () => {
    const tokens = await read<Tokens>(await exchange(await codeFor()));
    expect((await control.revokeRefreshTokens(SUB)).revoked).toBe(2);
    const ours = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    expect(ours.status).toBe(400);
    const seeded = await token({
      grant_type: 'refresh_token',
      refresh_token: D.refreshToken,
      client_id: D.clientId,
      client_secret: D.clientSecret,
    });
    expect((await read<ErrorBody>(seeded)).error).toBe('invalid_grant');
    expect((await api('users/me.json', { token: tokens.access_token })).status).toBe(200);
  });

  it('refuses a seeded refresh token past its refreshExpiresAt', async () => {
    await control.seedAccount(SUB, {
      ...demoAccount(),
      tokens: [{ accessToken: 'a', refreshToken: 'r', clientId: D.clientId, refreshExpiresAt: Date.now() - 1000 }],
    });
    const res = await token({ grant_type: 'refresh_token', refresh_token: 'r', client_id: D.clientId, client_secret: D.clientSecret });
    expect(res.status).toBe(400);
  });

  it('DELETE oauth/tokens/current revokes the calling access token and its refresh token', async () => {
    const tokens = await read<Tokens>(await exchange(await codeFor()));
    const res = await api('oauth/tokens/current.json', { method: 'DELETE', token: tokens.access_token });
    expect(res.status).toBe(204);
    expect((await api('users/me.json', { token: tokens.access_token })).status).toBe(401);
    const refresh = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
    expect(refresh.status).toBe(400);
    expect((await api('users/me.json')).status).toBe(200);
  });
});

describe('users, group memberships and tickets (access checks)', () => {
  type Membership = { id: number; user_id: number; group_id: number; default: boolean; created_at: string; updated_at: string };

  it('carries ticket_restriction, suspended and active on users', async () => {
    const { users } = await read<{ users: ZendeskUser[] }>(
      await api(`users/show_many.json?ids=${D.users.admin},${D.users.agentNoPhone},${D.users.customer}`),
    );
    expect(users.map((u) => [u.ticket_restriction, u.restricted_agent, u.suspended, u.active])).toEqual([
      [null, false, false, true],
      ['groups', true, false, true],
      ['requested', true, false, true],
    ]);
  });

  it('refuses the tokens of suspended and deleted users', async () => {
    const seed = demoAccount();
    seed.users = seed.users.map((u) =>
      u.id === D.users.agent ? { ...u, suspended: true } : u.id === D.users.supervisor ? { ...u, active: false } : u,
    );
    seed.tokens = [
      ...seed.tokens,
      { accessToken: 'suspended', userId: D.users.agent },
      { accessToken: 'deleted', userId: D.users.supervisor },
    ];
    await control.seedAccount(SUB, seed);
    expect((await api('users/me.json', { token: 'suspended' })).status).toBe(401);
    expect((await api('users/me.json', { token: 'deleted' })).status).toBe(401);
    const agent = await read<{ user: ZendeskUser }>(await api(`users/${D.users.agent}.json`));
    expect(agent.user.suspended).toBe(true);
  });

  it("lists a user's group memberships", async () => {
    const body = await read<Page<'group_memberships', Membership>>(await api(`users/${D.users.admin}/group_memberships.json`));
    expect(body.group_memberships.map((m) => [m.group_id, m.default])).toEqual([
      [D.groups.support, true],
      [D.groups.vip, false],
    ]);
    expect(body.group_memberships[0]).toMatchObject({ id: expect.any(Number), user_id: D.users.admin, created_at: expect.any(String) });
    expect((await api('users/42/group_memberships.json')).status).toBe(404);
  });

  it('derives one membership per agent from default_group_id when the seed has none', async () => {
    const { groupMemberships: _none, ...seed } = demoAccount();
    await control.seedAccount(SUB, seed);
    const body = await read<Page<'group_memberships', Membership>>(await api(`users/${D.users.supervisor}/group_memberships`));
    expect(body.group_memberships).toEqual([expect.objectContaining({ group_id: D.groups.billing, default: true })]);
    const customer = await read<Page<'group_memberships', Membership>>(await api(`users/${D.users.customer}/group_memberships`));
    expect(customer.group_memberships).toEqual([]);
  });

  it('pages more than 100 memberships by cursor', async () => {
    const seed = demoAccount();
    seed.groups = Array.from({ length: 150 }, (_, i) => zendeskGroup({ id: 50_000 + i, name: `Group ${i}` }));
    seed.groupMemberships = seed.groups.map((g) => ({ user_id: D.users.agent, group_id: g.id }));
    await control.seedAccount(SUB, seed);
    const seen: number[] = [];
    let url: string | null = `${fake.url}/${SUB}/api/v2/users/${D.users.agent}/group_memberships.json?page[size]=500`;
    const sizes: number[] = [];
    while (url) {
      const body: Page<'group_memberships', Membership> = await read(
        await fetch(url, { headers: { authorization: `Bearer ${D.accessToken}` } }),
      );
      sizes.push(body.group_memberships.length);
      seen.push(...body.group_memberships.map((m) => m.group_id));
      expect(body.meta.has_more).toBe(body.links.next !== null);
      url = body.links.next;
    }
    expect(sizes).toEqual([100, 50]);
    expect(new Set(seen).size).toBe(150);
  });

  it('forbids group memberships to end users', async () => {
    await control.seedAccount(SUB, { ...demoAccount(), tokens: [{ accessToken: 'eu', userId: D.users.customer }] });
    expect((await api(`users/${D.users.customer}/group_memberships`, { token: 'eu' })).status).toBe(403);
  });

  it('carries organization_id on tickets (null by default, seedable)', async () => {
    const seed = demoAccount();
    seed.tickets = seed.tickets.map((t) => (t.id === D.tickets.doubleCharge ? { ...t, organization_id: 777 } : t));
    await control.seedAccount(SUB, seed);
    const plain = await read<{ ticket: ZendeskTicket }>(await api(`tickets/${D.tickets.damagedOrder}.json`));
    expect(plain.ticket.organization_id).toBeNull();
    const org = await read<{ ticket: ZendeskTicket }>(await api(`tickets/${D.tickets.doubleCharge}.json`));
    expect(org.ticket.organization_id).toBe(777);
  });
});

describe('webhook and trigger housekeeping', () => {
  const createWebhook = async (name: string) =>
    (
      await read<{ webhook: { id: string; name: string } }>(
        await api('webhooks', {
          method: 'POST',
          body: JSON.stringify({
            webhook: { name, endpoint: 'https://worker.test/hook', http_method: 'POST', request_format: 'json', status: 'active' },
          }),
        }),
      )
    ).webhook;

  it('lists webhooks by cursor with filter[name_contains]', async () => {
    for (let i = 0; i < 25; i += 1) await createWebhook(i % 5 === 0 ? `Post-Interaction SMS ${i}` : `Other ${i}`);
    const first = await read<Page<'webhooks', { name: string }>>(await api('webhooks'));
    expect(first.webhooks).toHaveLength(20);
    expect(first.meta.has_more).toBe(true);
    const second = await read<Page<'webhooks', { name: string }>>(
      await fetch(first.links.next ?? '', { headers: { authorization: `Bearer ${D.accessToken}` } }),
    );
    expect(second.webhooks).toHaveLength(5);
    expect(second.links.next).toBeNull();
    const filtered = await read<Page<'webhooks', { name: string }>>(
      await api(`webhooks?${new URLSearchParams({ 'filter[name_contains]': 'Post-Interaction', 'page[size]': '2' })}`),
    );
    expect(filtered.webhooks.map((w) => w.name)).toEqual(['Post-Interaction SMS 0', 'Post-Interaction SMS 5']);
    expect(filtered.links.next).toContain('filter%5Bname_contains%5D=Post-Interaction');
    const next = await read<Page<'webhooks', { name: string }>>(
      await fetch(filtered.links.next ?? '', { headers: { authorization: `Bearer ${D.accessToken}` } }),
    );
    expect(next.webhooks.map((w) => w.name)).toEqual(['Post-Interaction SMS 10', 'Post-Interaction SMS 15']);
  });

  it('shows and deletes a webhook (204), then answers 404', async () => {
    const hook = await createWebhook('w');
    expect((await api(`webhooks/${hook.id}`)).status).toBe(200);
    expect((await api(`webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`webhooks/${hook.id}`)).status).toBe(404);
    expect((await api(`webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('deletes a trigger (204), then answers 404; triggers for rule managers, webhooks for admins only', async () => {
    const hook = await createWebhook('w');
    const created = await api('triggers.json', {
      method: 'POST',
      body: JSON.stringify({
        trigger: {
          title: 't',
          conditions: { all: [{ field: 'status', operator: 'is', value: 'solved' }] },
          actions: [{ field: 'notification_webhook', value: [hook.id, '{}'] }],
        },
      }),
    });
    const { trigger } = await read<{ trigger: { id: number } }>(created);
    expect((await api(`triggers/${trigger.id}.json`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`triggers/${trigger.id}.json`, { method: 'DELETE' })).status).toBe(404);
    expect((await read<Page<'triggers', unknown>>(await api('triggers.json'))).triggers).toEqual([]);

    await control.seedAccount(SUB, { ...demoAccount(), tokens: [{ accessToken: 'sup', userId: D.users.supervisor }] });
    expect((await api('triggers.json', { token: 'sup' })).status).toBe(200);
    expect((await api('webhooks', { token: 'sup' })).status).toBe(403);
  });

  it('records the Marketplace headers of every call', async () => {
    const since = (await control.requests()).last;
    const headers = {
      'X-Zendesk-Marketplace-Name': 'Post-Interaction SMS',
      'X-Zendesk-Marketplace-Organization-Id': '12345',
      'X-Zendesk-Marketplace-App-Id': '99999',
    };
    await api('users/me.json', { headers });
    await api('webhooks', { headers });
    const { requests } = await control.requests({ since, subdomain: SUB });
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.headers).toMatchObject({
        'x-zendesk-marketplace-name': 'Post-Interaction SMS',
        'x-zendesk-marketplace-organization-id': '12345',
        'x-zendesk-marketplace-app-id': '99999',
      });
    }
  });
});
