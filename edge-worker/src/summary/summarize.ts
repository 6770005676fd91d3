// The summariser the worker uses: Workers AI when the binding is there, else (or when it fails) the
// extractive summary. Never throws for model trouble; reports why it fell back.
//
// Steps: validate budget -> prepare (drop system and, by default, internal comments; clean; redact)
// -> nothing left? ok:false -> Workers AI (timeout) -> on any failure: extractive, fallbackReason set.
import { summarizeExtractive } from './extractive.ts';
import { prepareComments } from './prepare.ts';
import type { AiLike, PreparedComment, Summarizer, SummaryInput, SummaryResult } from './types.ts';
import { WorkersAiSummaryError, createWorkersAiSummarizer } from './workers-ai.ts';

export type SummarizerOptions = {
  /** The Workers AI binding (`env.AI`); without it only the extractive summary is used. */
  ai?: AiLike;
  model?: string;
  timeoutMs?: number;
  maxInputTokens?: number;
};

function readBudget(input: SummaryInput): number | null {
  const budget = Math.floor(input.budgetChars);
  return budget >= 1 ? budget : null;
}

function summarizePreparedExtractive(comments: readonly PreparedComment[], budget: number): SummaryResult {
  const text = summarizeExtractive(comments, budget);
  return text === '' ? { ok: false, reason: 'no_usable_content' } : { ok: true, text, source: 'extractive' };
}

/** The offline summariser: deterministic, no network. */
export function createExtractiveSummarizer(): Summarizer {
  return {
    name: 'extractive',
    async summarize(input) {
      const budget = readBudget(input);
      if (budget === null) return { ok: false, reason: 'invalid_budget' };
      const comments = prepareComments(input.comments, { includeInternal: input.includeInternal });
      if (comments.length === 0) return { ok: false, reason: 'no_usable_content' };
      return summarizePreparedExtractive(comments, budget);
    },
  };
}

/** Workers AI with an extractive fallback when `ai` is given; extractive only otherwise. */
export function createSummarizer(options: SummarizerOptions = {}): Summarizer {
  if (!options.ai) return createExtractiveSummarizer();
  const workersAi = createWorkersAiSummarizer({
    ai: options.ai,
    model: options.model,
    timeoutMs: options.timeoutMs,
    maxInputTokens: options.maxInputTokens,
  });
  return {
    name: `workers-ai:${workersAi.model}+extractive`,
    async summarize(input) {
      const budget = readBudget(input);
      if (budget === null) return { ok: false, reason: 'invalid_budget' };
      const comments = prepareComments(input.comments, { includeInternal: input.includeInternal });
      if (comments.length === 0) return { ok: false, reason: 'no_usable_content' };
      try {
        return { ok: true, text: await workersAi.summarizePrepared(comments, budget), source: 'workers-ai' };
      } catch (error) {
        const fallback = summarizePreparedExtractive(comments, budget);
        if (!fallback.ok) return fallback;
        const isTyped = error instanceof WorkersAiSummaryError;
        return {
          ...fallback,
          fallbackReason: isTyped ? error.reason : 'unexpected_error',
          fallbackDetail: error instanceof Error ? error.message : String(error),
        };
      }
    },
  };
}
