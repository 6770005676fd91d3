// The Zendesk client's list reading against a stub of Zendesk's paging (no network): cursor pages
// followed by links.next while meta.has_more, offset pages by next_page, comments newest first with
// each page's sideloaded users merged, and the bound on pages per list.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createZendeskClient } from './client.ts';

const BASE = 'https://acme.zendesk.com';

/** Answers GETs like Zendesk: `pages(url)` gives the body for each requested URL. */
function stubZendesk(answer: (url: URL) => unknown) {
  const urls: URL[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string) => {
      const url = new URL(input);
      urls.push(url);
      return new Response(JSON.stringify(answer(url)), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return urls;
}

const client = () =>
  createZendeskClient({
    baseUrl: BASE,
    credentials: {
      accessToken: 'token-0123456789',
      refreshToken: null,
      expiresAt: null,
      refreshExpiresAt: null,
      clientId: null,
      clientSecret: null,
    },
  });

/** Cursor pages over `items` (page[after] is the start index), with absolute links as Zendesk sends them. */
function cursor<T>(url: URL, key: string, items: T[], extra: (page: T[]) => Record<string, unknown> = () => ({})) {
  const size = Number(url.searchParams.get('page[size]'));
  const start = Number(url.searchParams.get('page[after]') ?? 0);
  const page = items.slice(start, start + size);
  const hasMore = start + size < items.length;
  const next = new URL(url);
  next.searchParams.set('page[after]', String(start + size));
  return { [key]: page, ...extra(page), meta: { has_more: hasMore }, links: { next: hasMore ? next.toString() : null } };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('lists', () => {
  it('reads every cursor page of groups, 100 at a time', async () => {
    const groups = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, name: `G${i + 1}` }));
    const urls = stubZendesk((url) => cursor(url, 'groups', groups));
    const read = await client().listGroups();
    expect(read.map((g) => g.id)).toEqual(groups.map((g) => g.id));
    expect(urls.map((u) => [u.pathname, u.searchParams.get('page[size]'), u.searchParams.get('page[after]')])).toEqual([
      ['/api/v2/groups.json', '100', null],
      ['/api/v2/groups.json', '100', '100'],
      ['/api/v2/groups.json', '100', '200'],
    ]);
  });

  it('stops at 20 pages', async () => {
    const fields = Array.from({ length: 2_500 }, (_, i) => ({ id: i + 1, title: `F${i + 1}`, type: 'text' }));
    const urls = stubZendesk((url) => cursor(url, 'ticket_fields', fields));
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await client().listTicketFields()).toHaveLength(2_000);
    expect(urls).toHaveLength(20);
  });

  it('follows next_page for custom roles (offset pagination only)', async () => {
    const urls = stubZendesk((url) =>
      url.searchParams.get('page') === '2'
        ? { custom_roles: [{ id: 3, name: 'C' }], next_page: null }
        : {
            custom_roles: [
              { id: 1, name: 'A' },
              { id: 2, name: 'B' },
            ],
            next_page: `${BASE}/api/v2/custom_roles.json?page=2`,
          },
    );
    expect((await client().listCustomRoles()).map((r) => r.name)).toEqual(['A', 'B', 'C']);
    expect(urls.map((u) => u.searchParams.has('page[size]'))).toEqual([false, false]);
  });

  it("reads comments newest first, returns them oldest first with every page's users, and keeps the newest 1,000", async () => {
    const comments = Array.from({ length: 1_150 }, (_, i) => ({ id: i + 1, author_id: 500 + (i % 3), public: true, created_at: '' }));
    const urls = stubZendesk((url) => {
      expect(url.searchParams.get('sort')).toBe('-created_at');
      expect(url.searchParams.get('include')).toBe('users');
      return cursor(url, 'comments', [...comments].reverse(), (page) => ({
        users: [...new Set(page.map((c) => c.author_id))].map((id) => ({ id, name: `U${id}`, role: 'end-user' })),
      }));
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const read = await client().listComments('42');
    expect(urls).toHaveLength(10);
    expect(read.comments).toHaveLength(1_000);
    expect(read.comments[0]?.id).toBe(151);
    expect(read.comments.at(-1)?.id).toBe(1_150);
    expect(read.users.map((u) => u.id).sort()).toEqual([500, 501, 502]);
  });
});
