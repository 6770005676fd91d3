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

export const Me = z.object({
  installationId: z.string(),
  subdomain: z.string(),
  userId: z.string(),
  role: Role,
  canManageRules: z.boolean(),
});
export type Me = z.infer<typeof Me>;

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
