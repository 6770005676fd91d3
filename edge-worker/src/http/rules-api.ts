// Rules: CRUD, reorder, duplicate, enable/disable. Admins and supervisors only; every query is
// scoped to the caller's installation, and another tenant's ids answer 404. Rules read back carry
// `brokenFields`: the ticket fields they name that Zendesk no longer has (the list asks Zendesk
// afresh; single rules use the cached field list). The list is paged (up to 10,000 rules per
// installation). Every write bumps the installation's rules version in its own batch, so the
// interaction path's per-isolate rule cache (rules/rule-set-cache.ts) sees it at once.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { brokenFieldRefs, fieldRefsOf, ticketFieldsById } from '../../../shared/rules/field-refs.ts';
import { Rule, RuleInput, RuleOrder, RulePatch, SavedRule, type RuleDefinition } from '../../../shared/schemas/rule.ts';
import {
  bumpRulesVersionStatement,
  countRules,
  decodeRulesCursor,
  deleteRuleStatement,
  encodeRulesCursor,
  insertRuleStatement,
  listRuleIds,
  listRulesPage,
  readRule,
  RULES_PAGE_DEFAULT,
  RULES_PAGE_MAX,
  setPositionsStatement,
  updateRuleStatement,
} from '../db/rules.ts';
import { diffFields, insertAuditStatement } from '../db/audit.ts';
import { cancelDelayedSendsOfRuleStatement } from '../db/delayed-sends.ts';
import type { Installation } from '../db/installations.ts';
import type { Env } from '../env.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { log } from '../log.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import { readTicketFields } from '../zendesk/ticket-fields-cache.ts';
import { capErrors, prepareRuleWithWarnings } from '../rules/prepare-rule.ts';
import { randomToken } from '../crypto/secrets.ts';
import { requireManager } from './auth.ts';
import type { AppEnv, Caller } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { toFieldErrors } from './validation.ts';

const IdParam = z.object({ id: z.string().min(1).max(64).meta({ param: { name: 'id', in: 'path' } }) });
const RuleList = z
  .object({
    rules: z.array(Rule),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
    /** Rules of the installation in all. */
    total: z.number().int().nonnegative(),
  })
  .meta({ id: 'RuleList' });
const RuleListQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(RULES_PAGE_MAX)
    .optional()
    .meta({ param: { name: 'limit', in: 'query' }, description: `Rules per page (default ${RULES_PAGE_DEFAULT}, at most ${RULES_PAGE_MAX})` }),
  cursor: z
    .string()
    .max(100)
    .optional()
    .meta({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
});
const tags = ['Rules'];

const definitionOf = (rule: Rule): RuleDefinition => ({
  label: rule.label,
  enabled: rule.enabled,
  senderNumber: rule.senderNumber,
  recipients: rule.recipients,
  content: rule.content,
  conditions: rule.conditions,
  stopProcessing: rule.stopProcessing,
  sendDelayMinutes: rule.sendDelayMinutes,
});

function audit(c: { env: AppEnv['Bindings'] }, caller: Caller, action: string, subjectId: string | null, changes: Record<string, { from: unknown; to: unknown }>, now: string) {
  return insertAuditStatement(c.env.DB, {
    installationId: caller.installation.id,
    actorUserId: caller.userId,
    actorRole: caller.role,
    action,
    subjectId,
    changes,
    now,
  });
}

/**
 * The rules with `brokenFields` filled in. Only custom field ids need Zendesk; when it cannot be
 * asked (down, reconnect needed), `brokenFields` stays absent rather than failing the list.
 */
async function withBrokenFields<R extends Rule>(env: Env, installation: Installation, rules: R[], fresh: boolean): Promise<R[]> {
  const needsZendesk = rules.some((r) => fieldRefsOf(r).some((use) => /^\d+$/.test(use.ref)));
  try {
    const fields = needsZendesk
      ? ticketFieldsById(await readTicketFields(installation.id, await zendeskFor(env, installation), Date.now(), { fresh }))
      : new Map();
    return rules.map((rule) => ({ ...rule, brokenFields: brokenFieldRefs(rule, fields) }));
  } catch (err) {
    log('warn', 'rules: ticket fields unavailable, broken fields not checked', { error: String(err) });
    return rules;
  }
}

async function withBrokenFieldsOne<R extends Rule>(env: Env, installation: Installation, rule: R): Promise<R> {
  const [checked] = await withBrokenFields(env, installation, [rule], false);
  return checked ?? rule;
}

/** A write that changed nothing because another save took the last slots meanwhile. */
const capRace = () => new AppError('conflict', 'The rules were changed by someone else meanwhile; reload and try again');

export const rulesApi = new OpenAPIHono<AppEnv>();
rulesApi.use('*', requireManager);

rulesApi.openapi(
  createRoute({
    method: 'get', path: '/', tags, security: bearerSecurity,
    summary: 'List rules in evaluation order, a page at a time, each with the ticket fields it names that Zendesk no longer has',
    request: { query: RuleListQuery },
    responses: { 200: jsonResponse(RuleList, 'One page of rules'), ...authErrors, 422: errors[422] },
  }),
  async (c) => {
    const { installation } = c.get('caller');
    const { limit, cursor } = c.req.valid('query');
    return c.json(await rulesPage(c.env, installation, cursor, limit ?? RULES_PAGE_DEFAULT, true), 200);
  },
);

async function rulesPage(env: Env, installation: Installation, cursor: string | undefined, limit: number, fresh: boolean) {
  const after = cursor === undefined ? null : decodeRulesCursor(cursor);
  if (cursor !== undefined && !after) throw invalid([{ field: 'cursor', reason: 'Not a cursor of this list: use nextCursor of the previous page' }]);
  const page = await listRulesPage(env.DB, installation.id, { after, limit });
  return {
    rules: await withBrokenFields(env, installation, page.rules, fresh),
    nextCursor: page.next ? encodeRulesCursor(page.next) : null,
    total: page.total,
  };
}

rulesApi.openapi(
  createRoute({
    method: 'post', path: '/', tags, security: bearerSecurity, summary: 'Create a rule (appended last)',
    request: { body: jsonBody(RuleInput) },
    responses: { 201: jsonResponse(SavedRule, 'Created, with warnings that do not block (e.g. a sender that cannot text US recipients)'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { definition, warnings } = await prepareRuleWithWarnings(c.env, caller.installation, c.req.valid('json'));
    const id = `rule_${randomToken(12)}`;
    const now = new Date().toISOString();
    const [insert] = await c.env.DB.batch([
      insertRuleStatement(c.env.DB, caller.installation.id, { id, definition, actor: caller.userId, now }),
      bumpRulesVersionStatement(c.env.DB, caller.installation.id),
      audit(c, caller, 'rule.create', id, diffFields(null, definition as unknown as Record<string, unknown>), now),
    ]);
    if (!insert?.meta.changes) throw capRace();
    const rule = await readRule(c.env.DB, caller.installation.id, id);
    if (!rule) throw new Error('rule vanished after insert');
    // Every field was just checked against Zendesk.
    return c.json({ ...rule, brokenFields: [], warnings }, 201);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'put', path: '/order', tags, security: bearerSecurity, summary: 'Reorder: every rule id in the new order',
    request: { body: jsonBody(RuleOrder) },
    responses: { 200: jsonResponse(RuleList, 'The first page of rules in the new order'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { ruleIds } = c.req.valid('json');
    const current = await listRuleIds(c.env.DB, caller.installation.id);
    const known = new Set(current);
    const given = new Set(ruleIds);
    if (given.size !== ruleIds.length) throw invalid([{ field: 'ruleIds', reason: 'Contains a rule id twice' }]);
    const unknown = ruleIds.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw invalid([{ field: `ruleIds.${unknown}`, reason: 'Unknown rule id' }]);
    if (given.size !== known.size) throw invalid([{ field: 'ruleIds', reason: 'Must list every rule of the installation exactly once' }]);
    const now = new Date().toISOString();
    await c.env.DB.batch([
      setPositionsStatement(c.env.DB, caller.installation.id, ruleIds, now),
      bumpRulesVersionStatement(c.env.DB, caller.installation.id),
      audit(c, caller, 'rules.reorder', null, { order: { from: current, to: ruleIds } }, now),
    ]);
    return c.json(await rulesPage(c.env, caller.installation, undefined, RULES_PAGE_DEFAULT, false), 200);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'get', path: '/{id}', tags, security: bearerSecurity, summary: 'Read a rule',
    request: { params: IdParam },
    responses: { 200: jsonResponse(Rule, 'The rule'), ...authErrors, 404: errors[404] },
  }),
  async (c) => {
    const rule = await readRule(c.env.DB, c.get('caller').installation.id, c.req.valid('param').id);
    if (!rule) throw notFound('Rule');
    return c.json(await withBrokenFieldsOne(c.env, c.get('caller').installation, rule), 200);
  },
);

async function replaceRule(
  c: { env: AppEnv['Bindings'] },
  caller: Caller,
  existing: Rule,
  next: RuleDefinition,
  action: string,
  checkFields = true,
): Promise<SavedRule> {
  const { definition, warnings } = await prepareRuleWithWarnings(c.env, caller.installation, next, { replacing: existing.id, checkFields });
  const now = new Date().toISOString();
  const [update] = await c.env.DB.batch([
    updateRuleStatement(c.env.DB, caller.installation.id, { id: existing.id, definition, expectedVersion: existing.version, actor: caller.userId, now }),
    bumpRulesVersionStatement(c.env.DB, caller.installation.id),
    audit(c, caller, action, existing.id, diffFields(definitionOf(existing) as unknown as Record<string, unknown>, definition as unknown as Record<string, unknown>), now),
  ]);
  // A concurrent edit bumped the version between our read and write: refuse rather than lose it.
  if (!update?.meta.changes) throw new AppError('conflict', 'The rule was changed by someone else; reload and try again');
  // Delayed sends of a rule that is now off are cancelled at once, not when they fall due.
  if (existing.enabled && !definition.enabled) {
    await cancelDelayedSendsOfRuleStatement(c.env.DB, caller.installation.id, existing.id, 'The rule was disabled before the delayed SMS went out', now).run();
  }
  const rule = await readRule(c.env.DB, caller.installation.id, existing.id);
  if (!rule) throw notFound('Rule');
  return withBrokenFieldsOne(c.env, caller.installation, { ...rule, warnings });
}

rulesApi.openapi(
  createRoute({
    method: 'put', path: '/{id}', tags, security: bearerSecurity, summary: 'Replace a rule',
    request: { params: IdParam, body: jsonBody(RuleInput) },
    responses: { 200: jsonResponse(SavedRule, 'The updated rule, with warnings that do not block'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const existing = await readRule(c.env.DB, caller.installation.id, c.req.valid('param').id);
    if (!existing) throw notFound('Rule');
    return c.json(await replaceRule(c, caller, existing, c.req.valid('json'), 'rule.update'), 200);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'patch', path: '/{id}', tags, security: bearerSecurity, summary: 'Change some fields of a rule (e.g. enabled)',
    request: { params: IdParam, body: jsonBody(RulePatch) },
    responses: { 200: jsonResponse(SavedRule, 'The updated rule, with warnings that do not block'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const existing = await readRule(c.env.DB, caller.installation.id, c.req.valid('param').id);
    if (!existing) throw notFound('Rule');
    const merged = RuleInput.safeParse({ ...definitionOf(existing), ...c.req.valid('json') });
    if (!merged.success) throw invalid(toFieldErrors(merged.error));
    const patch = c.req.valid('json');
    const action = Object.keys(patch).length === 1 && 'enabled' in patch ? (patch.enabled ? 'rule.enable' : 'rule.disable') : 'rule.update';
    // Fields are checked when the patch names fields; a toggle or rename of a rule whose field
    // was deleted in Zendesk goes through (the list shows the rule as broken).
    const checkFields = 'content' in patch || 'conditions' in patch;
    return c.json(await replaceRule(c, caller, existing, merged.data, action, checkFields), 200);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'delete', path: '/{id}', tags, security: bearerSecurity, summary: 'Delete a rule',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...authErrors, 404: errors[404] },
  }),
  async (c) => {
    const caller = c.get('caller');
    const existing = await readRule(c.env.DB, caller.installation.id, c.req.valid('param').id);
    if (!existing) throw notFound('Rule');
    const now = new Date().toISOString();
    await c.env.DB.batch([
      cancelDelayedSendsOfRuleStatement(c.env.DB, caller.installation.id, existing.id, 'The rule was deleted before the delayed SMS went out', now),
      deleteRuleStatement(c.env.DB, caller.installation.id, existing.id),
      bumpRulesVersionStatement(c.env.DB, caller.installation.id),
      audit(c, caller, 'rule.delete', existing.id, diffFields(definitionOf(existing) as unknown as Record<string, unknown>, null), now),
    ]);
    return c.body(null, 204);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'post', path: '/{id}/duplicate', tags, security: bearerSecurity, summary: 'Copy a rule (the copy starts disabled, placed last)',
    request: { params: IdParam },
    responses: { 201: jsonResponse(Rule, 'The copy'), ...authErrors, 404: errors[404], 409: errors[409], 422: errors[422] },
  }),
  async (c) => {
    const caller = c.get('caller');
    const existing = await readRule(c.env.DB, caller.installation.id, c.req.valid('param').id);
    if (!existing) throw notFound('Rule');
    const definition: RuleDefinition = {
      ...definitionOf(existing),
      label: `Copy of ${existing.label}`.slice(0, 100),
      enabled: false,
    };
    const caps = capErrors(await countRules(c.env.DB, caller.installation.id));
    if (caps.length) throw invalid(caps);
    const id = `rule_${randomToken(12)}`;
    const now = new Date().toISOString();
    const [insert] = await c.env.DB.batch([
      insertRuleStatement(c.env.DB, caller.installation.id, { id, definition, actor: caller.userId, now }),
      bumpRulesVersionStatement(c.env.DB, caller.installation.id),
      audit(c, caller, 'rule.duplicate', id, { duplicatedFrom: { from: null, to: existing.id } }, now),
    ]);
    if (!insert?.meta.changes) throw capRace();
    const rule = await readRule(c.env.DB, caller.installation.id, id);
    if (!rule) throw new Error('rule vanished after insert');
    return c.json(await withBrokenFieldsOne(c.env, caller.installation, rule), 201);
  },
);
