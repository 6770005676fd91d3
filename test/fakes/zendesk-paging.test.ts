// The Zendesk fake pages each list as Zendesk documents it (issue 11): 100 per page at most; ticket
// fields by cursor (id order) or not at all (every field, position order); custom roles by offset
// only; comments by cursor or offset, newest first on request, with each page's authors
// sideloaded; and a deleted ticket field is gone. Sources are cited in zendesk-fake.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zendeskControl, type ZendeskControl } from './control-client.ts';
import { demoAccount, startZendeskFake, ZENDESK_DEMO, type ZendeskFake } from './zendesk-fake.ts';
import { zendeskComment, zendeskCustomRole, zendeskTicketField, zendeskUser } from './zendesk-data.ts';

const D = ZENDESK_DEMO;
const SUB = 'paging';
let fake: ZendeskFake;
let control: ZendeskControl;

type Body = Record<string, unknown> & {
  meta?: { has_more: boolean };
  links?: { next: string | null };
  next_page?: string | null;
  count?: number;
};

async function get(pathOrUrl: string): Promise<Body> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${fake.url}/${SUB}/api/v2/${pathOrUrl}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${D.accessToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Body;
}

/** Every page by `links.next` while `meta.has_more`. */
async function allCursorPages(first: string): Promise<Body[]> {
  const pages: Body[] = [];
  let next: string | null = first;
  while (next) {
    const body = await get(next);
    pages.push(body);
    next = body.meta?.has_more ? (body.links?.next ?? null) : null;
  }
  return pages;
}

const ids = (list: unknown) => (list as Array<{ id: number }>).map((x) => x.id);

beforeAll(async () => {
  fake = await startZendeskFake();
  control = zendeskControl(fake.url);
});
afterAll(async () => {
  await fake.close();
});

describe('ticket fields', () => {
  beforeEach(async () => {
    const seed = demoAccount();
    // 150 custom fields; ids descending so id order and position order differ.
    const extra = Array.from({ length: 150 }, (_, i) =>
      zendeskTicketField({ id: 370_000_000 - i, type: 'text', title: `Extra ${i}`, position: 200 + i }),
    );
    await control.seedAccount(SUB, { ...seed, ticketFields: [...seed.ticketFields, ...extra] });
  });

  it('without page[size] answers every field at once, in position order, with no paging keys', async () => {
    const body = await get('ticket_fields.json?per_page=10&page=2');
    const fields = body.ticket_fields as Array<{ position: number }>;
    expect(fields).toHaveLength(162);
    expect(fields.map((f) => f.position)).toEqual([...fields.map((f) => f.position)].sort((a, b) => a - b));
    expect(body).not.toHaveProperty('next_page');
    expect(body).not.toHaveProperty('meta');
  });

  it('pages by cursor at 100 at most, in id order', async () => {
    const pages = await allCursorPages('ticket_fields.json?page[size]=500');
    expect(pages.map((p) => (p.ticket_fields as unknown[]).length)).toEqual([100, 62]);
    const all = pages.flatMap((p) => ids(p.ticket_fields));
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(new Set(all).size).toBe(162);
  });

  it('deletes a custom field for admins, refuses system fields', async () => {
    const del = (id: number, token = D.accessToken) =>
      fetch(`${fake.url}/${SUB}/api/v2/ticket_fields/${id}.json`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect((await del(D.fields.orderType)).status).toBe(204);
    expect((await del(D.fields.orderType)).status).toBe(404);
    expect((await del(D.fields.subject)).status).toBe(422);
    const left = ids((await get('ticket_fields.json')).ticket_fields);
    expect(left).not.toContain(D.fields.orderType);
    expect(left).toContain(D.fields.phoneNumber);
  });
});

describe('custom roles', () => {
  it('pages by offset only (100 per page), ignoring page[size]', async () => {
    const seed = demoAccount();
    const extra = Array.from({ length: 120 }, (_, i) => zendeskCustomRole({ id: 80_000 + i, name: `Role ${i}` }));
    await control.seedAccount(SUB, { ...seed, customRoles: [...seed.customRoles, ...extra] });
    const first = await get('custom_roles.json?page[size]=100');
    expect((first.custom_roles as unknown[]).length).toBe(100);
    expect(first.count).toBe(123);
    expect(first).not.toHaveProperty('meta');
    const second = await get(first.next_page ?? '');
    expect((second.custom_roles as unknown[]).length).toBe(23);
    expect(second.next_page).toBeNull();
  });
});

describe('comments', () => {
  beforeEach(async () => {
    const seed = demoAccount();
    const writers = Array.from({ length: 3 }, (_, i) => zendeskUser({ id: 60_000 + i, name: `Writer ${i}`, role: 'end-user' }));
    const ticket = D.tickets.damagedOrder;
    const comments = Array.from({ length: 150 }, (_, i) =>
      zendeskComment({
        id: 90_000 + i,
        author_id: writers[i < 100 ? 0 : i < 149 ? 1 : 2]!.id,
        html_body: `<p>comment ${i + 1}</p>`,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      }),
    );
    await control.seedAccount(SUB, { ...seed, users: [...seed.users, ...writers], comments: { ...seed.comments, [ticket]: comments } });
  });

  it('sideloads the authors of each page with include=users', async () => {
    const pages = await allCursorPages(`tickets/${D.tickets.damagedOrder}/comments.json?include=users&page[size]=100`);
    expect(pages.map((p) => ids(p.comments).length)).toEqual([100, 50]);
    expect(pages.map((p) => ids(p.users))).toEqual([[60_000], [60_001, 60_002]]);
    expect((await get(`tickets/${D.tickets.damagedOrder}/comments.json?page[size]=100`)).users).toBeUndefined();
  });

  it('reads newest first with sort=-created_at (cursor) or sort_order=desc (offset)', async () => {
    const cursor = await allCursorPages(`tickets/${D.tickets.damagedOrder}/comments.json?sort=-created_at&page[size]=100`);
    expect(ids(cursor[0]?.comments)[0]).toBe(90_149);
    expect(ids(cursor[1]?.comments).at(-1)).toBe(90_000);
    const offset = await get(`tickets/${D.tickets.damagedOrder}/comments.json?sort_order=desc`);
    expect(ids(offset.comments)[0]).toBe(90_149);
    expect(ids(offset.comments)).toHaveLength(100);
  });
});
