// Turns SummaryComments into what the summarisers read: filtered, cleaned, redacted, oldest first.
// Pure. Internal notes are dropped unless asked for; system comments always are.
import { cleanCommentBody } from './clean.ts';
import { redactSecrets } from './redact.ts';
import type { PreparedComment, SummaryComment } from './types.ts';

/** Text with at least one letter or digit: "...", "👍" or "[redacted]" alone is not usable. */
function isUsable(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text.replace(/\[(redacted|email)\]/g, ''));
}

/**
 * Keep public comments (and internal notes when `includeInternal`) by people, cleaned and
 * redacted, in chronological order (stable; comments without a parseable date keep their place).
 */
export function prepareComments(comments: readonly SummaryComment[], options: { includeInternal: boolean }): PreparedComment[] {
  const prepared: Array<PreparedComment & { order: number; time: number }> = [];
  comments.forEach((comment, order) => {
    if (comment.authorRole === 'system') return;
    if (!comment.isPublic && !options.includeInternal) return;
    const text = redactSecrets(cleanCommentBody(comment.body, comment.isHtml));
    if (!isUsable(text)) return;
    prepared.push({
      role: comment.authorRole === 'end-user' ? 'customer' : 'agent',
      isPublic: comment.isPublic,
      text,
      createdAt: comment.createdAt,
      order,
      time: Date.parse(comment.createdAt),
    });
  });
  const allDated = prepared.every((comment) => Number.isFinite(comment.time));
  if (allDated) prepared.sort((a, b) => a.time - b.time || a.order - b.order);
  return prepared.map(({ role, isPublic, text, createdAt }) => ({ role, isPublic, text, createdAt }));
}
