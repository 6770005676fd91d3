// Spend limits and erasure (issue 12b): the daily budget's state and erasure requests/answers.
// Pure zod schemas shared by the worker and the app.
import { z } from 'zod';

/** Today's use of the daily SMS budget (GET /v1/budget): the admin screen's banner. */
export const BudgetStatus = z
  .object({
    /** The UTC day, YYYY-MM-DD. */
    day: z.string(),
    /** SMS counted today (handed to Telnyx, each once). */
    messages: z.number().int(),
    messageLimit: z.number().int().nullable(),
    /** Estimated cost of today's SMS (segments × estimatedCostPerSegment). */
    estimatedCost: z.number(),
    costLimit: z.number().nullable(),
    /** Sends held because the budget is used up; they go out at `releaseAt` or when an admin raises it. */
    heldSends: z.number().int(),
    /** When a send was first held today, or null. */
    exceededAt: z.string().nullable(),
    /** The next UTC day's start, when held sends go out by themselves. */
    releaseAt: z.string(),
  })
  .meta({ id: 'BudgetStatus' });
export type BudgetStatus = z.infer<typeof BudgetStatus>;

export const ErasureRequest = z
  .union([
    z.object({ phone: z.string().trim().min(3, 'Enter a phone number').max(32) }).strict(),
    z.object({ ticketId: z.string().trim().regex(/^\d+$/, 'Must be a Zendesk ticket id') }).strict(),
  ])
  .meta({ id: 'ErasureRequest', description: 'Either `phone` (any format; read with the default country) or `ticketId`, not both' });
export type ErasureRequest = z.infer<typeof ErasureRequest>;

export const ErasureResult = z
  .object({
    /** What was erased: the number masked, or the ticket id. */
    subject: z.string(),
    kind: z.enum(['phone', 'ticket']),
    /** Rows changed or deleted per kind of data. */
    removed: z.object({
      /** Sends whose number and message body were blanked (their status stays for the report). */
      sends: z.number().int(),
      /** SMS replies deleted (number, text, media links). */
      replies: z.number().int(),
      helpAnswers: z.number().int(),
      /** Audit entries in which the number was replaced by "[erased]". */
      auditEntries: z.number().int(),
    }),
    /** What was kept on purpose, and why. */
    kept: z.array(z.string()),
  })
  .meta({ id: 'ErasureResult' });
export type ErasureResult = z.infer<typeof ErasureResult>;
