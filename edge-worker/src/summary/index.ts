// Public surface of the summariser: import from here, not from the individual files.
// No code of its own.
export { cleanCommentBody, htmlToText, stripQuotedReplies, stripSignature } from './clean.ts';
export { summarizeExtractive } from './extractive.ts';
export { fromZendeskComments } from './from-zendesk.ts';
export type { ZendeskCommentJson, ZendeskUserJson, ZendeskUsersById } from './from-zendesk.ts';
export { prepareComments } from './prepare.ts';
export { REDACTED, REDACTED_EMAIL, findSecrets, redactSecrets } from './redact.ts';
export type { Redaction, RedactionKind } from './redact.ts';
export { createExtractiveSummarizer, createSummarizer } from './summarize.ts';
export type { SummarizerOptions } from './summarize.ts';
export { countChars, fitToBudget } from './text.ts';
export type {
  AiLike,
  AiTextGenerationInputs,
  PreparedComment,
  Summarizer,
  SummaryComment,
  SummaryFailureReason,
  SummaryInput,
  SummaryResult,
  WorkersAiFailureReason,
} from './types.ts';
export {
  DEFAULT_SUMMARY_MODEL,
  DEFAULT_SUMMARY_TIMEOUT_MS,
  WorkersAiSummaryError,
  createWorkersAiSummarizer,
} from './workers-ai.ts';
export type { WorkersAiSummarizer, WorkersAiSummarizerOptions } from './workers-ai.ts';
