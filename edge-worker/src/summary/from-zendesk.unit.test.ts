// Specification of the mapping from Zendesk comment JSON to SummaryComment.
import { describe, expect, it } from 'vitest';
import { fromZendeskComments } from './from-zendesk.ts';
import type { ZendeskCommentJson, ZendeskUserJson } from './from-zendesk.ts';

const users: Record<string, ZendeskUserJson> = {
  '100': { id: 100, name: 'Jane Doe', role: 'end-user' },
  '200': { id: 200, name: 'Anna Berg', role: 'agent' },
  '300': { id: 300, name: 'Olga Admin', role: 'admin' },
};

const comments: ZendeskCommentJson[] = [
  {
    id: 1,
    author_id: 100,
    body: 'My router drops Wi-Fi.',
    html_body: '<div class="zd-comment"><p>My router drops Wi-Fi.</p></div>',
    plain_body: 'My router drops Wi-Fi.',
    public: true,
    created_at: '2026-03-02T09:00:00Z',
  },
  {
    id: 2,
    author_id: 200,
    body: 'Escalated.',
    html_body: null,
    plain_body: 'Escalated.',
    public: false,
    created_at: '2026-03-02T09:10:00Z',
  },
  { id: 3, author_id: 300, body: 'Fixed.', public: true, created_at: '2026-03-02T09:20:00Z' },
  { id: 4, author_id: -1, body: 'Satisfaction survey sent.', public: true, created_at: '2026-03-02T09:30:00Z' },
  { id: 5, author_id: 999, body: 'Unknown author.', created_at: '2026-03-02T09:40:00Z' },
];

describe('fromZendeskComments', () => {
  it('maps authors, roles, bodies and visibility, in the given order', () => {
    expect(fromZendeskComments(comments, users)).toEqual([
      {
        authorName: 'Jane Doe',
        authorRole: 'end-user',
        body: '<div class="zd-comment"><p>My router drops Wi-Fi.</p></div>',
        isHtml: true,
        isPublic: true,
        createdAt: '2026-03-02T09:00:00Z',
      },
      {
        authorName: 'Anna Berg',
        authorRole: 'agent',
        body: 'Escalated.',
        isHtml: false,
        isPublic: false,
        createdAt: '2026-03-02T09:10:00Z',
      },
      { authorName: 'Olga Admin', authorRole: 'admin', body: 'Fixed.', isHtml: false, isPublic: true, createdAt: '2026-03-02T09:20:00Z' },
      {
        authorName: 'System',
        authorRole: 'system',
        body: 'Satisfaction survey sent.',
        isHtml: false,
        isPublic: true,
        createdAt: '2026-03-02T09:30:00Z',
      },
      // Unknown author: system; unknown visibility: internal (nothing unknown reaches a customer).
      {
        authorName: 'System',
        authorRole: 'system',
        body: 'Unknown author.',
        isHtml: false,
        isPublic: false,
        createdAt: '2026-03-02T09:40:00Z',
      },
    ]);
  });

  it('accepts a Map of users keyed by number', () => {
    const map = new Map<number, ZendeskUserJson>([[100, { id: 100, name: 'Jane', role: 'end-user' }]]);
    const [mapped] = fromZendeskComments([{ id: 1, author_id: 100, plain_body: 'Hi', public: true, created_at: 'x' }], map);
    expect(mapped?.authorRole).toBe('end-user');
    expect(mapped?.authorName).toBe('Jane');
  });

  it('falls back to body when plain_body is empty and tolerates missing fields', () => {
    const [mapped] = fromZendeskComments([{ author_id: 100, plain_body: '', body: 'From body' }], users);
    expect(mapped).toEqual({
      authorName: 'Jane Doe',
      authorRole: 'end-user',
      body: 'From body',
      isHtml: false,
      isPublic: false,
      createdAt: '',
    });
  });
});
