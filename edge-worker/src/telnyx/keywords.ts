// Which inbound texts are opt-out, opt-in and help keywords, as Telnyx defines them. Pure.
//
// Telnyx's defaults (developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out, "Default
// behavior"; support.telnyx.com article 1270091 "SMS Opt-Out Keywords and Stop Words"):
//   opt-out (creates a block rule on the messaging profile): STOP, STOPALL, STOP ALL, UNSUBSCRIBE,
//     CANCEL, END, QUIT
//   opt-in (removes it): START, UNSTOP
//   help (auto-response only, no block): HELP
// A keyword counts only when it is the whole message ("stop all" yes, "please stop all messages"
// no); the lists are written in lower and upper case in the docs, so case is ignored. We also trim
// the message and read runs of whitespace as one space (a "STOP  ALL" typed with two spaces is
// still someone asking to stop; Telnyx does not document this case, so we err towards the opt-out).
//
// A profile may add its own keywords (Advanced Opt-In/Out, autoresp_configs). Telnyx then tells us
// what it did in the inbound webhook's `autoresponse_type` ("Examples include START, STOP, and
// HELP": SDK MessagingInboundMessagePayload; the docs' "Track opt-out behavior via webhooks"), so
// that field wins when present; the default lists apply when it is absent.

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP'] as const;

export type KeywordKind = 'opt_out' | 'opt_in' | 'help';

export interface InboundKeyword {
  kind: KeywordKind;
  /** What decided: Telnyx's `autoresponse_type`, or our copy of its default keyword lists. */
  source: 'autoresponse_type' | 'default_keywords';
  /** The keyword as normalised (the message text, or the autoresponse type). */
  keyword: string;
}

/** The whole message as a keyword candidate: trimmed, inner whitespace collapsed, upper case. */
export function normalizeKeywordText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** Telnyx's autoresponse types (its autoresp_configs `op`: start, stop, help; older docs: info). */
const AUTORESPONSE_KINDS: Record<string, KeywordKind> = { STOP: 'opt_out', START: 'opt_in', HELP: 'help', INFO: 'help' };

const DEFAULTS = new Map<string, KeywordKind>([
  ...OPT_OUT_KEYWORDS.map((k) => [k, 'opt_out'] as const),
  ...OPT_IN_KEYWORDS.map((k) => [k, 'opt_in'] as const),
  ...HELP_KEYWORDS.map((k) => [k, 'help'] as const),
]);

export function classifyInboundText(text: string | null | undefined, autoresponseType?: string | null): InboundKeyword | null {
  const type = typeof autoresponseType === 'string' ? autoresponseType.trim().toUpperCase() : '';
  const fromTelnyx = AUTORESPONSE_KINDS[type];
  if (fromTelnyx) return { kind: fromTelnyx, source: 'autoresponse_type', keyword: type };
  const keyword = normalizeKeywordText(text ?? '');
  const kind = DEFAULTS.get(keyword);
  return kind ? { kind, source: 'default_keywords', keyword } : null;
}
