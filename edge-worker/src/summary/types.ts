// Types of the summariser: its input (comments), its result, the Summarizer interface, the AI binding shape.
// Types only; no runtime code.

export type SummaryAuthorRole = 'end-user' | 'agent' | 'admin' | 'system';

/** One ticket comment as the summariser sees it (see from-zendesk.ts for the mapping from the API). */
export type SummaryComment = {
  authorName: string;
  authorRole: SummaryAuthorRole;
  /** Zendesk `html_body` (isHtml: true) or `plain_body` / `body` (isHtml: false). */
  body: string;
  isHtml: boolean;
  /** false for internal notes. */
  isPublic: boolean;
  /** ISO-8601. */
  createdAt: string;
};

export type SummaryInput = {
  comments: readonly SummaryComment[];
  /** Maximum length of the summary in Unicode code points. */
  budgetChars: number;
  /** Include internal notes in the source. Default off: nothing internal can reach a customer. */
  includeInternal: boolean;
};

export type SummarySource = 'workers-ai' | 'extractive';

/** Why Workers AI did not produce the summary (snake_case, stable: logged and stored). */
export type WorkersAiFailureReason =
  | 'timeout'
  | 'model_retired'
  | 'model_not_found'
  | 'invalid_input'
  | 'model_error'
  | 'invalid_response'
  | 'empty_response'
  | 'unexpected_error';

export type SummaryFailureReason =
  /** Nothing left after cleaning, redaction and filtering (only empty, system or internal comments). */
  | 'no_usable_content'
  /** budgetChars is not a number >= 1. */
  | 'invalid_budget';

export type SummaryResult =
  | {
      ok: true;
      text: string;
      source: SummarySource;
      /** Set when Workers AI was tried and the extractive summary was used instead. */
      fallbackReason?: WorkersAiFailureReason;
      /** The error message behind fallbackReason, for logs (never shown to customers). */
      fallbackDetail?: string;
    }
  | { ok: false; reason: SummaryFailureReason };

export interface Summarizer {
  name: string;
  summarize(input: SummaryInput): Promise<SummaryResult>;
}

/** A comment after cleaning, redaction and filtering: what both summarisers read. */
export type PreparedComment = {
  role: 'customer' | 'agent';
  isPublic: boolean;
  text: string;
  createdAt: string;
};

export type AiChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type AiTextGenerationInputs = {
  messages: AiChatMessage[];
  max_tokens?: number;
  temperature?: number;
};

/** Options of `env.AI.run` we use (`AiOptions` in @cloudflare/workers-types has `signal`). */
export type AiRunOptions = { signal?: AbortSignal };

/**
 * The slice of the Workers AI binding (`env.AI`) the summariser needs. The real binding returns
 * `{ response?: string, usage?, tool_calls? }` for text generation, a ReadableStream with
 * `stream: true` (never set here); so the result is `unknown` and validated.
 */
export interface AiLike {
  run(model: string, inputs: AiTextGenerationInputs, options?: AiRunOptions): Promise<unknown>;
}
