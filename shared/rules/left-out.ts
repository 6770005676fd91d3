// The sentence an interaction's detail carries when matching rules were not run because the
// interaction reached its recipient budget (edge-worker/src/pipeline/recipient-limit.ts), and how the
// ticket sidebar finds it there to show it to the agent. Pure.
const MARK = 'more matching rule(s) not run';

export function leftOutDetail(count: number, maxRecipients: number): string {
  return `${count} ${MARK}: at most ${maxRecipients} recipients per interaction`;
}

/** The left-out sentence of an interaction's detail, or null when all matching rules ran. */
export function leftOutNote(detail: string | null): string | null {
  if (!detail?.includes(MARK)) return null;
  const parts = detail.split('; ');
  return parts.find((p) => p.includes(MARK)) ?? null;
}
