// The message of one rule for one interaction: data lines from the ticket, the summary when the
// rule includes it and summaries are on (comments fetched at most once per interaction: every
// cursor page, 100 comments each, the newest 1,000 at most; zendesk/client.ts listComments), all
// composed into ONE message within the installation's maximum parts.
import { composeMessage, renderDataLines, summaryBudget } from '../../../shared/compose/compose.ts';
import type { Rule } from '../../../shared/schemas/rule.ts';
import type { Settings } from '../../../shared/schemas/settings.ts';
import type { Env } from '../env.ts';
import { fromZendeskComments } from '../summary/from-zendesk.ts';
import { createSummarizer } from '../summary/summarize.ts';
import type { AiLike, SummaryComment } from '../summary/types.ts';
import type { ZendeskClient } from '../zendesk/client.ts';
import type { Snapshot } from './interaction-snapshot.ts';
import { ruleTextFor } from './rule-text.ts';

export type SummaryLoader = (budget: number) => Promise<{ text: string | null; source: string | null; detail: string | null }>;

export interface ComposedForRule {
  text: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
  summarySource: string | null;
  /** The rule asked for a summary and the message carries one. */
  hasSummary: boolean;
  /** Why the summary is missing or who made it, for the send record. */
  detail: string | null;
}

export function createSummaryLoader(
  env: Env,
  ctx: { zendesk: ZendeskClient; ticketId: string; snapshot: Snapshot; settings: Settings },
): SummaryLoader {
  let comments: Promise<SummaryComment[]> | null = null;
  // The Ai binding's typed overloads (per-model input types) are wider than the one text
  // generation call the summariser makes; AiLike is that call, validated on use.
  const summarizer = createSummarizer(env.AI ? { ai: env.AI as unknown as AiLike } : {});
  return async (budget) => {
    comments ??= ctx.zendesk.listComments(ctx.ticketId).then(({ comments: list, users = [] }) => {
      const usersById = new Map<number, { name?: string; role?: string }>();
      for (const u of [...users, ctx.snapshot.assignee, ctx.snapshot.requester]) if (u) usersById.set(u.id, u);
      return fromZendeskComments(list, usersById);
    });
    const result = await summarizer.summarize({
      comments: await comments,
      budgetChars: budget,
      includeInternal: ctx.settings.summaryIncludesInternalNotes,
    });
    if (!result.ok) return { text: null, source: null, detail: `Summary left out: ${result.reason.replace(/_/g, ' ')}` };
    return {
      text: result.text,
      source: result.source,
      detail: result.fallbackReason ? `Summary by the extractive summariser (Workers AI: ${result.fallbackReason})` : null,
    };
  };
}

export async function composeForRule(
  rule: Pick<Rule, 'content'>,
  snapshot: Snapshot | null,
  maxParts: number,
  summariesEnabled: boolean,
  loadSummary: SummaryLoader | null,
): Promise<ComposedForRule> {
  const dataLines = snapshot ? renderDataLines(rule.content.dataFields, snapshot.display, snapshot.titles) : [];
  // The requester's language and the ticket's placeholders, before the length policy applies.
  const customText = ruleTextFor(rule.content, snapshot).text;
  let summary: string | null = null;
  let summarySource: string | null = null;
  let detail: string | null = null;
  if (rule.content.includeSummary) {
    if (!summariesEnabled) detail = 'Summary left out: interaction summaries are turned off';
    else if (!loadSummary) detail = 'Summary left out: no ticket to summarise';
    else {
      const budget = summaryBudget({ customText, dataLines }, { maxParts });
      if (budget > 0) {
        const loaded = await loadSummary(budget);
        summary = loaded.text;
        summarySource = loaded.source;
        detail = loaded.detail;
      } else detail = 'Summary left out: no room within the maximum parts';
    }
  }
  const composed = composeMessage({ customText, summary, dataLines }, { maxParts });
  return {
    text: composed.text,
    segments: composed.segments.segments,
    encoding: composed.segments.encoding,
    characters: composed.segments.characters,
    summarySource,
    hasSummary: summary !== null && composed.trimmed.summary !== 'dropped',
    detail,
  };
}
