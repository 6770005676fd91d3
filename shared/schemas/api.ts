// Envelopes of the worker's HTTP API: errors, the caller, requirements. Shared with the app.
import { z } from 'zod';

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
