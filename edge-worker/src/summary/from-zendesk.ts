// Maps Zendesk's comment JSON (GET /api/v2/tickets/{id}/comments) and sideloaded users to SummaryComment.
// Pure. Tolerant of missing fields: a comment whose visibility is unknown is treated as internal.
import type { SummaryAuthorRole, SummaryComment } from './types.ts';

/** The fields of a Zendesk ticket comment we read (the API sends more). */
export type ZendeskCommentJson = {
  id?: number;
  author_id?: number | null;
  body?: string | null;
  html_body?: string | null;
  plain_body?: string | null;
  public?: boolean | null;
  created_at?: string | null;
};

/** The fields of a Zendesk user we read; `role` is 'end-user' | 'agent' | 'admin'. */
export type ZendeskUserJson = {
  id?: number;
  name?: string | null;
  role?: string | null;
};

export type ZendeskUsersById = ReadonlyMap<number | string, ZendeskUserJson> | Readonly<Record<string, ZendeskUserJson | undefined>>;

function readUser(usersById: ZendeskUsersById, id: number): ZendeskUserJson | undefined {
  if (usersById instanceof Map) {
    return usersById.get(id) ?? usersById.get(String(id));
  }
  return (usersById as Readonly<Record<string, ZendeskUserJson | undefined>>)[String(id)];
}

function readRole(user: ZendeskUserJson | undefined, authorId: number | null | undefined): SummaryAuthorRole {
  // Zendesk attributes automated comments (triggers, automations, system events) to author -1 or
  // to no user at all: those are 'system' and never summarised.
  if (authorId === null || authorId === undefined || authorId <= 0 || !user) return 'system';
  if (user.role === 'end-user' || user.role === 'agent' || user.role === 'admin') return user.role;
  return 'system';
}

/**
 * Map comments in the order given (the API's default is oldest first). The HTML body is preferred:
 * its markup (gmail_quote, blockquote, signature divs) lets clean.ts find quoted text reliably.
 */
export function fromZendeskComments(comments: readonly ZendeskCommentJson[], usersById: ZendeskUsersById): SummaryComment[] {
  return comments.map((comment) => {
    const user = typeof comment.author_id === 'number' ? readUser(usersById, comment.author_id) : undefined;
    const role = readRole(user, comment.author_id);
    const html = typeof comment.html_body === 'string' && comment.html_body.trim() !== '' ? comment.html_body : null;
    const plain =
      typeof comment.plain_body === 'string' && comment.plain_body.trim() !== ''
        ? comment.plain_body
        : typeof comment.body === 'string'
          ? comment.body
          : '';
    return {
      authorName: user?.name?.trim() || (role === 'system' ? 'System' : 'Unknown'),
      authorRole: role,
      body: html ?? plain,
      isHtml: html !== null,
      isPublic: comment.public === true,
      createdAt: typeof comment.created_at === 'string' ? comment.created_at : '',
    };
  });
}
