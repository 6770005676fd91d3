// Spend limits and personal data (issue 12b):
//   GET  /v1/budget   (admins, supervisors) today's use of the daily SMS budget and the sends held for it
//   POST /v1/erasure  (admins) erase everything stored about one phone number or one ticket (db/erasure.ts)
// and who may change the limit and privacy settings (PATCH /v1/settings): admins only.
import { OpenAPIHono } from '@hono/zod-openapi';
import { maskPhone } from '../../../shared/phone/normalize.ts';
import { BudgetStatus, ErasureRequest, ErasureResult } from '../../../shared/schemas/privacy.ts';
import type { SettingsPatch } from '../../../shared/schemas/settings.ts';
import { insertAuditStatement } from '../db/audit.ts';
import { countHeldForBudget, nextUtcDay, readDailyBudget, utcDay } from '../db/daily-budget.ts';
import { eraseByPhone, eraseByTicket } from '../db/erasure.ts';
import { AppError } from '../errors.ts';
import { requireAdmin, requireManager } from './auth.ts';
import type { AppEnv, Caller } from './context.ts';
import { errors, guardedRoute, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { phoneField } from './validation.ts';

/** Settings that spend money or govern personal data: only Zendesk admins change them. */
export const ADMIN_ONLY_SETTINGS = [
  'dailyMessageLimit',
  'dailyCostLimit',
  'estimatedCostPerSegment',
  'allowedCountries',
  'testSendNumbers',
  'retentionDays',
] as const satisfies ReadonlyArray<keyof SettingsPatch>;

export function assertMayChangeLimits(caller: Caller, patch: SettingsPatch): void {
  if (caller.role === 'admin') return;
  const named = ADMIN_ONLY_SETTINGS.filter((k) => k in patch);
  if (named.length > 0) {
    throw new AppError(
      'forbidden',
      'Only Zendesk admins can change spend limits, countries, test numbers and retention',
      named.map((field) => ({ field, reason: 'Admins only' })),
    );
  }
}

export const privacyApi = new OpenAPIHono<AppEnv>();

privacyApi.openapi(
  guardedRoute(requireManager, {
    method: 'get', path: '/budget', tags: ['Settings'],
    summary: "Today's use of the daily SMS budget (UTC day) and how many sends are held for it (admins and supervisors)",
    responses: { 200: jsonResponse(BudgetStatus, 'Budget') },
  }),
  async (c) => {
    const { installation } = c.get('caller');
    const nowMs = Date.now();
    const [today, held] = await Promise.all([readDailyBudget(c.env.DB, installation.id, utcDay(nowMs)), countHeldForBudget(c.env.DB, installation.id)]);
    const s = installation.settings;
    return c.json(
      {
        day: today.day,
        messages: today.messages,
        messageLimit: s.dailyMessageLimit,
        estimatedCost: today.cost_micros / 1_000_000,
        costLimit: s.dailyCostLimit,
        heldSends: held,
        exceededAt: today.exceeded_at,
        releaseAt: new Date(nextUtcDay(nowMs)).toISOString(),
      } satisfies BudgetStatus,
      200,
    );
  },
);

privacyApi.openapi(
  guardedRoute(requireAdmin, {
    method: 'post', path: '/erasure', tags: ['Settings'],
    summary:
      'Erase what is stored about one phone number or one ticket: numbers and message bodies of its sends blanked, replies deleted (admins; audited). The opt-out of a number is kept.',
    request: { body: jsonBody(ErasureRequest) },
    responses: { 200: jsonResponse(ErasureResult, 'What was removed and what was kept'), 422: errors[422] },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { installation } = caller;
    const body = c.req.valid('json');
    const now = new Date().toISOString();
    let result: ErasureResult;
    if ('phone' in body) {
      const e164 = phoneField('phone', body.phone, installation.settings.defaultCountry);
      const erased = await eraseByPhone(c.env.DB, installation.id, e164, now);
      const kept = [];
      if (erased.optOutKept) kept.push('The opt-out (STOP) of this number: it is what keeps it from being texted again');
      if (erased.configuredInRules.length) kept.push(`Rules that name this number as a recipient: ${erased.configuredInRules.join(', ')} (edit them to remove it)`);
      if (erased.configuredInSettings) kept.push('The test-number list in Settings names this number (remove it there)');
      result = {
        subject: maskPhone(e164),
        kind: 'phone',
        removed: { sends: erased.sends, replies: erased.replies, helpAnswers: erased.helpAnswers, auditEntries: erased.auditEntries },
        kept,
      };
    } else {
      const erased = await eraseByTicket(c.env.DB, installation.id, body.ticketId, now);
      result = {
        subject: body.ticketId,
        kind: 'ticket',
        removed: { sends: erased.sends, replies: erased.replies, helpAnswers: 0, auditEntries: 0 },
        kept: ['The ticket itself is in Zendesk; the daily report keeps counts without numbers or text'],
      };
    }
    // The audit entry names the masked number or the ticket only.
    await insertAuditStatement(c.env.DB, {
      installationId: installation.id,
      actorUserId: caller.userId,
      actorRole: caller.role,
      action: 'privacy.erasure',
      subjectId: result.subject,
      changes: { [result.kind]: { from: result.subject, to: '[erased]' }, removed: { from: null, to: result.removed } },
      now,
    }).run();
    return c.json(result, 200);
  },
);
