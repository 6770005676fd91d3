// Specification of the summariser the worker uses: Workers AI first, extractive fallback, filtering.
import { describe, expect, it } from 'vitest';
import { createWorkersAiFake } from '../../../test/fakes/workers-ai-fake.ts';
import type { WorkersAiFakeMode } from '../../../test/fakes/workers-ai-fake.ts';
import { createArabicTicket, createJapaneseTicket, createLongThread, createRouterTicket, createSystemOnlyTicket } from './fixtures.ts';
import { createExtractiveSummarizer, createSummarizer } from './summarize.ts';
import { countChars } from './text.ts';
import type { SummaryComment, SummaryResult } from './types.ts';

function expectText(result: SummaryResult): string {
  expect(result.ok).toBe(true);
  return result.ok ? result.text : '';
}

describe('createSummarizer without a binding', () => {
  it('uses the extractive summary only', async () => {
    const summarizer = createSummarizer();
    expect(summarizer.name).toBe('extractive');
    const result = await summarizer.summarize({ comments: createRouterTicket(), budgetChars: 300, includeInternal: false });
    expect(result).toMatchObject({ ok: true, source: 'extractive' });
    expect(result).not.toHaveProperty('fallbackReason');
    expect(countChars(expectText(result))).toBeLessThanOrEqual(300);
  });
});

describe('createSummarizer with Workers AI', () => {
  it('uses the model when it answers', async () => {
    const ai = createWorkersAiFake();
    const summarizer = createSummarizer({ ai });
    expect(summarizer.name).toBe('workers-ai:@cf/meta/llama-3.1-8b-instruct-fast+extractive');
    const result = await summarizer.summarize({ comments: createRouterTicket(), budgetChars: 300, includeInternal: false });
    expect(result).toEqual({
      ok: true,
      source: 'workers-ai',
      text: 'The customer reported: Hi there, My AcmeNet X200 router keeps dropping the Wi-Fi connection every few minutes since the firmware update on Friday. Support replied: Hi Jane, Firmware 4.2.1 has a known issue that causes Wi-Fi dropouts.',
    });
  });

  const fallbacks: ReadonlyArray<[WorkersAiFakeMode | 'retired', string]> = [
    ['error', 'model_error'],
    ['timeout', 'timeout'],
    ['empty', 'empty_response'],
    ['retired', 'model_retired'],
  ];

  it.each(fallbacks)('falls back to extractive on %s, recording "%s"', async (mode, reason) => {
    const ai = createWorkersAiFake({ mode: mode === 'retired' ? 'ok' : mode });
    const model = mode === 'retired' ? '@cf/facebook/bart-large-cnn' : undefined;
    const summarizer = createSummarizer({ ai, model, timeoutMs: 50 });
    const comments = createRouterTicket();
    const result = await summarizer.summarize({ comments, budgetChars: 200, includeInternal: false });
    const extractive = await createExtractiveSummarizer().summarize({ comments, budgetChars: 200, includeInternal: false });
    expect(result).toMatchObject({ ok: true, source: 'extractive', fallbackReason: reason });
    expect(expectText(result)).toBe(expectText(extractive));
    expect(result.ok && result.fallbackDetail).toBeTruthy();
  });

  it('falls back within the timeout when the model hangs', async () => {
    const ai = createWorkersAiFake({ mode: 'timeout' });
    const started = performance.now();
    const result = await createSummarizer({ ai, timeoutMs: 100 }).summarize({
      comments: createLongThread(100),
      budgetChars: 160,
      includeInternal: false,
    });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: true, source: 'extractive', fallbackReason: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1500);
  });

  it('trims an overlong model answer to the budget (no fallback needed)', async () => {
    const ai = createWorkersAiFake({ mode: 'overlong' });
    const summarizer = createSummarizer({ ai });
    for (let budget = 20; budget <= 1000; budget += 49) {
      const result = await summarizer.summarize({ comments: createRouterTicket(), budgetChars: budget, includeInternal: false });
      expect(result).toMatchObject({ ok: true, source: 'workers-ai' });
      expect(countChars(expectText(result)), `budget ${budget}`).toBeLessThanOrEqual(budget);
    }
  });

  it('records an unexpected error as such and still answers', async () => {
    const ai = {
      run: async (): Promise<unknown> => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const result = await createSummarizer({ ai }).summarize({ comments: createArabicTicket(), budgetChars: 160, includeInternal: false });
    expect(result).toMatchObject({ ok: true, source: 'extractive', fallbackReason: 'model_error' });
    expect(expectText(result)).toContain('تم');
  });
});

describe('what may reach a customer', () => {
  it('excludes internal notes by default, on both paths', async () => {
    const ai = createWorkersAiFake({ mode: 'overlong' });
    for (const summarizer of [createSummarizer(), createSummarizer({ ai })]) {
      const text = expectText(await summarizer.summarize({ comments: createRouterTicket(), budgetChars: 1000, includeInternal: false }));
      expect(text).not.toMatch(/NET-812|tier 2|7731|4111|Escalated/);
    }
    expect(JSON.stringify(ai.calls.map((call) => call.inputs))).not.toContain('NET-812');
  });

  it('includes internal notes (redacted) when asked to', async () => {
    const ai = createWorkersAiFake();
    await createSummarizer({ ai }).summarize({ comments: createRouterTicket(), budgetChars: 300, includeInternal: true });
    const prompt = JSON.stringify(ai.calls[0]?.inputs);
    expect(prompt).toContain('NET-812');
    expect(prompt).toContain('PIN is [redacted]');
    expect(prompt).not.toContain('4111');
  });
});

describe('when there is nothing to summarise', () => {
  it('answers ok:false no_usable_content for system, empty and quote-only comments, without calling the model', async () => {
    const ai = createWorkersAiFake();
    for (const summarizer of [createSummarizer(), createSummarizer({ ai })]) {
      const result = await summarizer.summarize({ comments: createSystemOnlyTicket(), budgetChars: 160, includeInternal: true });
      expect(result).toEqual({ ok: false, reason: 'no_usable_content' });
    }
    expect(ai.calls).toHaveLength(0);
  });

  it('answers no_usable_content when only internal notes exist and they are excluded', async () => {
    const internalOnly: SummaryComment[] = createRouterTicket().map((comment) => ({ ...comment, isPublic: false }));
    const result = await createSummarizer().summarize({ comments: internalOnly, budgetChars: 160, includeInternal: false });
    expect(result).toEqual({ ok: false, reason: 'no_usable_content' });
  });

  it('answers invalid_budget for a budget below 1 or not a number', async () => {
    for (const budgetChars of [0, -5, 0.5, Number.NaN]) {
      const result = await createSummarizer().summarize({ comments: createRouterTicket(), budgetChars, includeInternal: false });
      expect(result).toEqual({ ok: false, reason: 'invalid_budget' });
    }
  });
});

describe('budget across sources', () => {
  it('stays within budgets 20..1000 for every source and fixture', async () => {
    const summarizers = [
      createSummarizer(),
      createSummarizer({ ai: createWorkersAiFake() }),
      createSummarizer({ ai: createWorkersAiFake({ mode: 'overlong' }) }),
      createSummarizer({ ai: createWorkersAiFake({ mode: 'error' }) }),
    ];
    for (const comments of [createRouterTicket(), createJapaneseTicket(), createLongThread(30)]) {
      for (const summarizer of summarizers) {
        for (let budget = 20; budget <= 1000; budget += 37) {
          const result = await summarizer.summarize({ comments, budgetChars: budget, includeInternal: false });
          expect(countChars(expectText(result)), `${summarizer.name} ${budget}`).toBeLessThanOrEqual(budget);
        }
      }
    }
  });
});
