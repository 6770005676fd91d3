// The admin screen's worker endpoints, each answer parsed with the shared schemas. The response
// envelopes below are not (yet) in shared/schemas; they mirror the worker's contract.
import { z } from 'zod';
import { AuditEntry, InstallationSummary, Me, Requirements, ZendeskSetupHealth, ZendeskSetupResult as SetupResult } from '../../../shared/schemas/api.ts';
import { BudgetStatus, ErasureResult, type ErasureRequest } from '../../../shared/schemas/privacy.ts';
import { Report } from '../../../shared/schemas/report.ts';
import { type AttentionRetryRequest, AttentionRetryResult, NeedsAttention } from '../../../shared/schemas/attention.ts';
import { Rule, RuleWarning, type RuleInput, type RulePatch } from '../../../shared/schemas/rule.ts';
import { TelnyxSenders } from '../../../shared/schemas/telnyx.ts';
import { Send, SendStatus } from '../../../shared/schemas/send.ts';
import { ConnectionStatus, Settings, type SettingsPatch, type TelnyxCredentials } from '../../../shared/schemas/settings.ts';

/** A PATCH body as sent (before the schema's transforms, e.g. a lower-case country code). */
export type SettingsPatchBody = z.input<typeof SettingsPatch>;
import type { WorkerApi } from './worker-api.ts';

export const SettingsResponse = z.object({
  settings: Settings,
  connection: ConnectionStatus,
  requirements: Requirements,
  webhookUrls: z.object({ zendesk: z.string(), telnyx: z.string() }),
});
export type SettingsResponse = z.infer<typeof SettingsResponse>;

/** GET /v1/telnyx/numbers: the profile's senders, each with whether it can text US recipients. */
export const TelnyxNumbers = TelnyxSenders;
export type TelnyxNumbers = TelnyxSenders;

/** A saved rule with its warnings; a worker that sends none (an older deploy) means none. */
export const SavedRuleResponse = Rule.extend({ warnings: z.array(RuleWarning).default([]) });
export type SavedRuleResponse = z.infer<typeof SavedRuleResponse>;

/** One page of GET /v1/rules (older workers answered every rule at once, without a cursor). */
export const RuleList = z.object({ rules: z.array(Rule), nextCursor: z.string().nullish(), total: z.number().int().optional() });
/** Rules per request when the app reads the whole list: the worker's most (http/rules-api.ts). */
const RULES_PAGE = 500;
export const AuditList = z.object({ entries: z.array(AuditEntry) });

export const PreviewResult = z.object({
  matched: z.boolean(),
  reason: z.string().nullable(),
  text: z.string(),
  segments: z.object({ encoding: z.string(), segments: z.number(), characters: z.number() }),
  recipients: z.array(z.object({ kind: z.string(), masked: z.string().nullable(), skipReason: z.string().nullable() })),
});
export type PreviewResult = z.infer<typeof PreviewResult>;

/** POST /v1/setup/zendesk; an older worker answers without `changes` and `health`. */
export const ZendeskSetupResult = SetupResult.partial({ changes: true, health: true });
export type ZendeskSetupResult = z.infer<typeof ZendeskSetupResult>;
export { ZendeskSetupHealth };

/** POST /v1/connect/zendesk: Zendesk's consent page for this account, to open in a popup. */
export const ConnectStart = z.object({
  authorizeUrl: z.string().refine((url) => /^https?:\/\//i.test(url), 'An http(s) URL'),
});
export type ConnectStart = z.infer<typeof ConnectStart>;

export type TestSendResult = z.infer<typeof Send>;
export { SendStatus };

const rulePath = (id: string) => `/v1/rules/${encodeURIComponent(id)}`;
const reportRange = (from: string, to: string) => new URLSearchParams({ from, to }).toString();

export function createAdminApi(api: WorkerApi) {
  return {
    me: () => api.call('GET', '/v1/me', Me),

    connectZendesk: () => api.call('POST', '/v1/connect/zendesk', ConnectStart, {}),
    installationSummary: () => api.call('GET', '/v1/installation', InstallationSummary),
    disconnect: (confirmSubdomain: string) => api.callNoContent('DELETE', '/v1/installation', { confirmSubdomain }),

    readSettings: () => api.call('GET', '/v1/settings', SettingsResponse),
    updateSettings: (patch: SettingsPatchBody) => api.call('PATCH', '/v1/settings', SettingsResponse, patch),
    connectTelnyx: (credentials: TelnyxCredentials) => api.call('PUT', '/v1/settings/telnyx', SettingsResponse, credentials),
    connectTelnyxSandbox: () => api.call('PUT', '/v1/settings/telnyx/sandbox', SettingsResponse, {}),
    listTelnyxNumbers: () => api.call('GET', '/v1/telnyx/numbers', TelnyxNumbers),
    setUpZendesk: () => api.call('POST', '/v1/setup/zendesk', ZendeskSetupResult, {}),
    /** Whether the webhook and triggers Setup made exist and are active (read from Zendesk). */
    readZendeskSetup: () => api.call('GET', '/v1/setup/zendesk', ZendeskSetupHealth),

    /**
     * Every rule in evaluation order, read a page at a time (up to 10,000 rules per installation:
     * 20 requests at most); `onPage` tells how far it got.
     */
    listRules: async (onPage?: (loaded: number, total: number) => void) => {
      const rules: Rule[] = [];
      let cursor: string | null | undefined = null;
      do {
        const query: string = new URLSearchParams({ limit: String(RULES_PAGE), ...(cursor ? { cursor } : {}) }).toString();
        const page: z.infer<typeof RuleList> = await api.call('GET', `/v1/rules?${query}`, RuleList);
        rules.push(...page.rules);
        cursor = page.nextCursor;
        onPage?.(rules.length, page.total ?? rules.length);
      } while (cursor);
      return rules;
    },
    createRule: (input: RuleInput) => api.call('POST', '/v1/rules', SavedRuleResponse, input),
    replaceRule: (id: string, input: RuleInput) => api.call('PUT', rulePath(id), SavedRuleResponse, input),
    patchRule: (id: string, patch: RulePatch) => api.call('PATCH', rulePath(id), SavedRuleResponse, patch),
    deleteRule: (id: string) => api.callNoContent('DELETE', rulePath(id)),
    duplicateRule: (id: string) => api.call('POST', `${rulePath(id)}/duplicate`, Rule, {}),
    /** The worker answers the first page in the new order; the caller keeps its whole list. */
    reorderRules: async (ruleIds: string[]) => (await api.call('PUT', '/v1/rules/order', RuleList, { ruleIds })).rules,

    listAudit: async () => (await api.call('GET', '/v1/audit', AuditList)).entries,

    /** The delivery report for UTC days `from`..`to` (both included). */
    readReport: (from: string, to: string) => api.call('GET', `/v1/report?${reportRange(from, to)}`, Report),
    /** The same rows as CSV text. Not JSON, so the call's parser hands the text through as a string. */
    readReportCsv: (from: string, to: string) => api.call('GET', `/v1/report.csv?${reportRange(from, to)}`, z.string()),

    /** Today's use of the daily SMS budget and the sends held for it. */
    readBudget: () => api.call('GET', '/v1/budget', BudgetStatus),
    /** Erase what is stored about one number or one ticket (admins). */
    erase: (request: ErasureRequest) => api.call('POST', '/v1/erasure', ErasureResult, request),
    /** Failed and waiting work (issue 12), and its bulk retry: a dry run unless `dryRun: false`. */
    readAttention: () => api.call('GET', '/v1/attention', NeedsAttention),
    retryAttention: (request: AttentionRetryRequest) => api.call('POST', '/v1/attention/retry', AttentionRetryResult, request),

    preview: (ticketId: string, rule: RuleInput) => api.call('POST', '/v1/preview', PreviewResult, { ticketId, rule }),
    testSend: (rule: RuleInput, to: string, ticketId?: string) =>
      api.call('POST', '/v1/test-send', Send, ticketId ? { rule, to, ticketId } : { rule, to }),
  };
}
export type AdminApi = ReturnType<typeof createAdminApi>;
