// Envelopes of the worker's HTTP API: errors, the caller, requirements. Shared with the app.
import { z } from 'zod';
import { EndEvent } from './rule.ts';

/** One offending field: `field` is the dotted path in the request ("recipients.otherNumbers.1"). */
export const FieldError = z.object({ field: z.string(), reason: z.string() });
export type FieldError = z.infer<typeof FieldError>;

export const ApiError = z
  .object({
    error: z.object({
      /** Stable snake_case code, e.g. validation_failed, unauthorized, not_found. */
      code: z.string(),
      message: z.string(),
      fields: z.array(FieldError).optional(),
    }),
  })
  .meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiError>;

export const Role = z.enum(['admin', 'supervisor', 'agent']);
export type Role = z.infer<typeof Role>;

/**
 * Whether the Zendesk account is connected: `not_connected` until an admin presses Connect (or
 * after a disconnect, or when the app was reinstalled); `reconnect_needed` when Zendesk refused
 * to refresh the OAuth token.
 */
export const ConnectionState = z.enum(['connected', 'not_connected', 'reconnect_needed']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const Me = z.object({
  /** null until the account is connected. */
  installationId: z.string().nullable(),
  subdomain: z.string(),
  userId: z.string(),
  /** Looked up through the Zendesk API; null while the account is not connected (no token to ask with). */
  role: Role.nullable(),
  canManageRules: z.boolean(),
  connection: ConnectionState,
});
export type Me = z.infer<typeof Me>;

/** What a location's page hands the app (`<meta name="pisms-session" content="...">`). */
export const SessionGrant = z.object({
  /** Bearer token for /v1 calls (short-lived). */
  token: z.string(),
  expiresAt: z.iso.datetime(),
  /** Only for POST /v1/session/refresh. */
  refreshToken: z.string(),
  refreshExpiresAt: z.iso.datetime(),
  location: z.enum(['nav_bar', 'ticket_sidebar']),
});
export type SessionGrant = z.infer<typeof SessionGrant>;

/** What a disconnect would delete (GET /v1/installation). */
export const InstallationSummary = z.object({
  installationId: z.string(),
  subdomain: z.string(),
  connection: ConnectionState,
  connectedBy: z.string().nullable(),
  connectedAt: z.string().nullable(),
  counts: z.object({ rules: z.number().int(), sends: z.number().int(), auditEntries: z.number().int() }),
  zendesk: z.object({ webhooks: z.number().int(), triggers: z.number().int() }),
});
export type InstallationSummary = z.infer<typeof InstallationSummary>;

/** The original feature's prerequisites, as a checklist the admin screen shows. */
export const Requirements = z.object({
  smsConnected: z.boolean(),
  hasSenderNumber: z.boolean(),
  hasGroup: z.boolean(),
  /** True when every item above is met and rules may be saved. */
  ready: z.boolean(),
  missing: z.array(z.enum(['sms_connected', 'sender_number', 'group'])),
});
export type Requirements = z.infer<typeof Requirements>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: z.string(),
  actorRole: z.string(),
  action: z.string(),
  subjectId: z.string().nullable(),
  /** Changed fields only: { field: { from, to } }. Secrets appear as "[redacted]". */
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * Whether what the one-click Zendesk setup made still exists and works (GET /v1/setup/zendesk,
 * read from Zendesk): the webhook (active, pointing at this worker, its signing secret known to
 * the worker) and one trigger per end event the account supports.
 */
export const ZendeskSetupHealth = z
  .object({
    /** Setup has run for this installation (it stored a webhook and triggers). */
    configured: z.boolean(),
    /** Everything below exists, is active and is as Setup would make it. */
    ok: z.boolean(),
    webhook: z
      .object({
        id: z.string(),
        exists: z.boolean(),
        active: z.boolean(),
        endpointMatches: z.boolean(),
        signingSecretKnown: z.boolean(),
      })
      .nullable(),
    triggers: z.array(
      z.object({
        kind: EndEvent,
        title: z.string(),
        id: z.string().nullable(),
        exists: z.boolean(),
        active: z.boolean(),
        /** Conditions, actions and body are what Setup installs (pressing Setup again repairs them). */
        upToDate: z.boolean(),
      }),
    ),
    /** False when the account offers no messaging session-state trigger condition (no messaging). */
    conversationEndedAvailable: z.boolean(),
  })
  .meta({ id: 'ZendeskSetupHealth' });
export type ZendeskSetupHealth = z.infer<typeof ZendeskSetupHealth>;

/** POST /v1/setup/zendesk: what Setup kept, made, repaired and removed, and the health after it. */
export const ZendeskSetupResult = z
  .object({
    webhookId: z.string(),
    triggerIds: z.array(z.string()),
    changes: z.object({
      webhookCreated: z.boolean(),
      triggersCreated: z.number().int(),
      triggersRepaired: z.number().int(),
      triggersRemoved: z.number().int(),
    }),
    health: ZendeskSetupHealth,
  })
  .meta({ id: 'ZendeskSetupResult' });
export type ZendeskSetupResult = z.infer<typeof ZendeskSetupResult>;
