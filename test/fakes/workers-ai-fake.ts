// In-memory stand-in for the Workers AI binding (`env.AI`), which miniflare does not simulate.
// Same `run(model, inputs, options)` contract for text generation, deterministic answers, the
// binding's error messages, scripted failure modes; records every call. No timers left behind.
//
// Shapes mirrored from the docs (Nov 2026):
//  - result `{ response: string, usage: { prompt_tokens, completion_tokens, total_tokens } }`
//    (https://developers.cloudflare.com/workers-ai/models/llama-3.1-8b-instruct-fast/);
//    generation stops at `max_tokens` (default 256), mid-word if need be.
//  - errors are `AiError`s whose message starts with the internal code:
//    "5007: No such model <model> or task" (https://developers.cloudflare.com/workers-ai/platform/errors/),
//    "5028: This model was deprecated on 2026-05-30. Please use an alternative model"
//    (https://github.com/cloudflare/cloudflare-docs/issues/32501), and schema errors as
//    "Bad input: Error: ..." (seen in the wild, e.g. QuantumNous/new-api#4605). The retirement
//    date is the one of the May 2026 batch; the fake uses it for every retired model.

export type WorkersAiFakeMode = 'ok' | 'error' | 'timeout' | 'empty' | 'overlong';

export type WorkersAiFakeCall = {
  model: string;
  inputs: unknown;
  hadSignal: boolean;
  outcome: 'pending' | 'ok' | 'error' | 'aborted';
};

export type WorkersAiFakeOptions = {
  mode?: WorkersAiFakeMode;
  /**
   * 'timeout': answer (as 'ok') after this many ms instead of hanging until the signal aborts.
   * Other modes: wait this long before answering or failing. Waiting always honours the signal.
   */
  delayMs?: number;
  /** 'error' mode's message; default the binding's out-of-capacity error. */
  errorMessage?: string;
  /** Replace the generated text in 'ok' mode. */
  response?: string | ((call: WorkersAiFakeCall) => string);
  /** Models that generate text; anything else not retired fails with 5007. */
  textGenerationModels?: readonly string[];
  /** Models that fail with 5028 (retired). */
  retiredModels?: readonly string[];
};

export type WorkersAiFake = {
  run(model: string, inputs: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
  readonly calls: WorkersAiFakeCall[];
  setMode(mode: WorkersAiFakeMode): void;
};

export const FAKE_TEXT_GENERATION_MODELS: readonly string[] = [
  '@cf/meta/llama-3.1-8b-instruct-fast',
  '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
  '@cf/google/gemma-4-26b-a4b-it',
  '@cf/zai-org/glm-4.7-flash',
  '@cf/openai/gpt-oss-20b',
  '@cf/openai/gpt-oss-120b',
  '@cf/mistralai/mistral-small-3.1-24b-instruct',
  '@cf/qwen/qwen3-30b-a3b-fp8',
];

/** bart-large-cnn and the non-"-fast" Llama 3 / 3.1 models, retired in 2026 (FACTS.md). */
export const FAKE_RETIRED_MODELS: readonly string[] = [
  '@cf/facebook/bart-large-cnn',
  '@cf/meta/llama-3-8b-instruct',
  '@cf/meta/llama-3-8b-instruct-awq',
  '@cf/meta/llama-3.1-8b-instruct',
  '@cf/meta/llama-3.1-8b-instruct-awq',
  '@cf/meta/llama-3.1-8b-instruct-fp8',
  '@cf/meta/llama-3.1-70b-instruct',
];

const DEFAULT_MAX_TOKENS = 256;
const CHARS_PER_TOKEN = 4;

function createAiError(message: string): Error {
  const error = new Error(message);
  error.name = 'AiError';
  return error;
}

function createAbortError(): Error {
  return new DOMException('The operation was aborted.', 'AbortError');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The binding validates inputs against the model's JSON schema; these are the checks that matter here. */
function validateTextGenerationInputs(inputs: unknown): string | null {
  if (!isRecord(inputs)) return "Bad input: Error: type at '/' must be object";
  const hasPrompt = typeof inputs.prompt === 'string' && inputs.prompt !== '';
  const messages = inputs.messages;
  if (!hasPrompt && messages === undefined) {
    return "Bad input: Error: anyOf at '/' not met: required properties at '/' are 'prompt', required properties at '/' are 'messages'";
  }
  if (messages !== undefined) {
    if (!Array.isArray(messages) || messages.length === 0) return "Bad input: Error: type at '/messages' must be a non-empty array";
    for (const [index, message] of messages.entries()) {
      if (!isRecord(message) || typeof message.role !== 'string' || typeof message.content !== 'string') {
        return `Bad input: Error: required properties at '/messages/${index}' are 'role,content'`;
      }
    }
  }
  const maxTokens = inputs.max_tokens;
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    return "Bad input: Error: type at '/max_tokens' must be integer >= 1";
  }
  const temperature = inputs.temperature;
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 5)) {
    return "Bad input: Error: value at '/temperature' must be between 0 and 5";
  }
  return null;
}

function readPromptText(inputs: Record<string, unknown>): string {
  if (typeof inputs.prompt === 'string') return inputs.prompt;
  const messages = Array.isArray(inputs.messages) ? inputs.messages : [];
  return messages.map((message) => (isRecord(message) && typeof message.content === 'string' ? message.content : '')).join('\n');
}

function readLastUserText(inputs: Record<string, unknown>): string {
  if (typeof inputs.prompt === 'string') return inputs.prompt;
  const messages = Array.isArray(inputs.messages) ? inputs.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    if (isRecord(message) && message.role === 'user' && typeof message.content === 'string') return message.content;
  }
  return '';
}

function readFirstSentence(text: string): string {
  const match = /^.*?[.!?。！？؟](?=\s|$)/su.exec(text.trim());
  return (match ? match[0] : text).trim();
}

/**
 * A deterministic "summary" of the prompt: the first customer line and the last agent line of a
 * "Role: text" transcript (inside <conversation> tags when present), rephrased in third person.
 */
export function summarizePromptDeterministically(promptText: string): string {
  const inside = /<conversation>([\s\S]*?)<\/conversation>/.exec(promptText)?.[1] ?? promptText;
  const lines = inside
    .split('\n')
    .map((line) => /^([^:\n]{1,40}):\s*(.+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const problem = lines.find((match) => /customer/i.test(match[1] ?? ''))?.[2];
  const resolution = [...lines].reverse().find((match) => /agent/i.test(match[1] ?? ''))?.[2];
  const parts: string[] = [];
  if (problem) parts.push(`The customer reported: ${readFirstSentence(problem)}`);
  if (resolution) parts.push(`Support replied: ${readFirstSentence(resolution)}`);
  return parts.length > 0 ? parts.join(' ') : `A conversation of ${inside.trim().length} characters was summarised.`;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function createWorkersAiFake(options: WorkersAiFakeOptions = {}): WorkersAiFake {
  let mode: WorkersAiFakeMode = options.mode ?? 'ok';
  const calls: WorkersAiFakeCall[] = [];
  const textModels = new Set(options.textGenerationModels ?? FAKE_TEXT_GENERATION_MODELS);
  const retiredModels = new Set(options.retiredModels ?? FAKE_RETIRED_MODELS);

  /** Resolve after `ms`, or reject with an AbortError as soon as the signal aborts. */
  function wait(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(createAbortError());
        return;
      }
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function onAbort(): void {
        clearTimeout(timer);
        reject(createAbortError());
      }
      function done(): void {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  function answer(call: WorkersAiFakeCall, inputs: Record<string, unknown>, asMode: WorkersAiFakeMode): unknown {
    const promptText = readPromptText(inputs);
    let text: string;
    if (asMode === 'empty') {
      text = '';
    } else {
      const custom = options.response;
      const base = typeof custom === 'function' ? custom(call) : (custom ?? summarizePromptDeterministically(readLastUserText(inputs)));
      if (asMode === 'overlong') {
        // A model ignoring both the prompt's limit and max_tokens: far more text than asked for.
        text = Array.from({ length: 40 }, (_, i) => `${base} (${i + 1})`).join(' ');
      } else {
        const maxTokens = typeof inputs.max_tokens === 'number' ? inputs.max_tokens : DEFAULT_MAX_TOKENS;
        text = base.slice(0, maxTokens * CHARS_PER_TOKEN);
      }
    }
    const promptTokens = estimateTokens(promptText);
    const completionTokens = estimateTokens(text);
    return {
      response: text,
      tool_calls: [],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }

  async function run(model: string, inputs: unknown, runOptions: { signal?: AbortSignal } = {}): Promise<unknown> {
    const call: WorkersAiFakeCall = { model, inputs, hadSignal: runOptions.signal !== undefined, outcome: 'pending' };
    calls.push(call);
    const signal = runOptions.signal;
    try {
      if (retiredModels.has(model)) {
        throw createAiError('5028: This model was deprecated on 2026-05-30. Please use an alternative model');
      }
      if (!textModels.has(model)) throw createAiError(`5007: No such model ${model} or task`);
      const invalid = validateTextGenerationInputs(inputs);
      if (invalid) throw createAiError(invalid);
      const validInputs = inputs as Record<string, unknown>;
      if (mode === 'timeout') {
        await wait(options.delayMs, signal);
        const result = answer(call, validInputs, 'ok');
        call.outcome = 'ok';
        return result;
      }
      if (options.delayMs !== undefined) await wait(options.delayMs, signal);
      if (mode === 'error') {
        throw createAiError(options.errorMessage ?? '3040: No more data centers to forward the request to');
      }
      const result = answer(call, validInputs, mode);
      call.outcome = 'ok';
      return result;
    } catch (error) {
      call.outcome = error instanceof Error && error.name === 'AbortError' ? 'aborted' : 'error';
      throw error;
    }
  }

  return {
    run,
    calls,
    setMode(next) {
      mode = next;
    },
  };
}
