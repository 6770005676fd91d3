// The Zendesk fake against the Zendesk contract it claims: auth, OAuth refresh, each endpoint,
// pagination, faults, and webhook signatures checked independently with node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zendeskControl } from './control-client.ts';
import type { ZendeskControl } from './control-client.ts';
import type { ZendeskComment, ZendeskGroup, ZendeskTicket, ZendeskTicketField, ZendeskUser } from './zendesk-data.ts';
import { demoAccount, signZendeskWebhook, startZendeskFake, ZENDESK_DEMO } from './zendesk-fake.ts';
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
    expect(body.count).toBe(body.ticket_fields.length);
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
