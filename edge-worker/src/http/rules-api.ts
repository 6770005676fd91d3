// Rules: CRUD, reorder, duplicate, enable/disable. Admins and supervisors only; every query is
// scoped to the caller's installation, and another tenant's ids answer 404.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { Rule, RuleInput, RuleOrder, RulePatch, type RuleDefinition } from '../../../shared/schemas/rule.ts';
import {
  deleteRuleStatement,
  insertRuleStatement,
  listRules,
  readRule,
  setPositionStatements,
  updateRuleStatement,
} from '../db/rules.ts';
import { diffFields, insertAuditStatement } from '../db/audit.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { prepareRule } from '../rules/prepare-rule.ts';
import { randomToken } from '../crypto/secrets.ts';
import { requireManager } from './auth.ts';
import type { AppEnv, Caller } from './context.ts';
import { authErrors, bearerSecurity, errors, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { toFieldErrors } from './validation.ts';

const IdParam = z.object({ id: z.string().min(1).max(64).meta({ param: { name: 'id', in: 'path' } }) });
const RuleList = z.object({ rules: z.array(Rule) });
const tags = ['Rules'];

const definitionOf = (rule: Rule): RuleDefinition => ({
  label: rule.label,
  enabled: rule.enabled,
  senderNumber: rule.senderNumber,
  recipients: rule.recipients,
  content: rule.content,
  conditions: rule.conditions,
  stopProcessing: rule.stopProcessing,
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

export const rulesApi = new OpenAPIHono<AppEnv>();
rulesApi.use('*', requireManager);

rulesApi.openapi(
  createRoute({ method: 'get', path: '/', tags, security: bearerSecurity, summary: 'List rules in evaluation order', responses: { 200: jsonResponse(RuleList, 'Rules'), ...authErrors } }),
  async (c) => c.json({ rules: await listRules(c.env.DB, c.get('caller').installation.id) }, 200),
);

rulesApi.openapi(
  createRoute({
    method: 'post', path: '/', tags, security: bearerSecurity, summary: 'Create a rule (appended last)',
    request: { body: jsonBody(RuleInput) },
    responses: { 201: jsonResponse(Rule, 'Created'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const definition = await prepareRule(c.env, caller.installation, c.req.valid('json'));
    const id = `rule_${randomToken(12)}`;
    const now = new Date().toISOString();
    await c.env.DB.batch([
      insertRuleStatement(c.env.DB, caller.installation.id, { id, definition, actor: caller.userId, now }),
      audit(c, caller, 'rule.create', id, diffFields(null, definition as unknown as Record<string, unknown>), now),
    ]);
    const rule = await readRule(c.env.DB, caller.installation.id, id);
    if (!rule) throw new Error('rule vanished after insert');
    return c.json(rule, 201);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'put', path: '/order', tags, security: bearerSecurity, summary: 'Reorder: every rule id in the new order',
    request: { body: jsonBody(RuleOrder) },
    responses: { 200: jsonResponse(RuleList, 'Rules in the new order'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const { ruleIds } = c.req.valid('json');
    const current = await listRules(c.env.DB, caller.installation.id);
    const known = new Set(current.map((r) => r.id));
    const given = new Set(ruleIds);
    if (given.size !== ruleIds.length) throw invalid([{ field: 'ruleIds', reason: 'Contains a rule id twice' }]);
    const unknown = ruleIds.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw invalid([{ field: `ruleIds.${unknown}`, reason: 'Unknown rule id' }]);
    if (given.size !== known.size) throw invalid([{ field: 'ruleIds', reason: 'Must list every rule of the installation exactly once' }]);
    const now = new Date().toISOString();
    await c.env.DB.batch([
      ...setPositionStatements(c.env.DB, caller.installation.id, ruleIds, now),
      audit(c, caller, 'rules.reorder', null, { order: { from: current.map((r) => r.id), to: ruleIds } }, now),
    ]);
    return c.json({ rules: await listRules(c.env.DB, caller.installation.id) }, 200);
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
    return c.json(rule, 200);
  },
);

async function replaceRule(c: { env: AppEnv['Bindings'] }, caller: Caller, existing: Rule, next: RuleDefinition, action: string): Promise<Rule> {
  const definition = await prepareRule(c.env, caller.installation, next);
  const now = new Date().toISOString();
  const [update] = await c.env.DB.batch([
    updateRuleStatement(c.env.DB, caller.installation.id, { id: existing.id, definition, expectedVersion: existing.version, actor: caller.userId, now }),
    audit(c, caller, action, existing.id, diffFields(definitionOf(existing) as unknown as Record<string, unknown>, definition as unknown as Record<string, unknown>), now),
  ]);
  // A concurrent edit bumped the version between our read and write: refuse rather than lose it.
  if (!update?.meta.changes) throw new AppError('conflict', 'The rule was changed by someone else; reload and try again');
  const rule = await readRule(c.env.DB, caller.installation.id, existing.id);
  if (!rule) throw notFound('Rule');
  return rule;
}

rulesApi.openapi(
  createRoute({
    method: 'put', path: '/{id}', tags, security: bearerSecurity, summary: 'Replace a rule',
    request: { params: IdParam, body: jsonBody(RuleInput) },
    responses: { 200: jsonResponse(Rule, 'The updated rule'), ...authErrors, ...errors },
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
    responses: { 200: jsonResponse(Rule, 'The updated rule'), ...authErrors, ...errors },
  }),
  async (c) => {
    const caller = c.get('caller');
    const existing = await readRule(c.env.DB, caller.installation.id, c.req.valid('param').id);
    if (!existing) throw notFound('Rule');
    const merged = RuleInput.safeParse({ ...definitionOf(existing), ...c.req.valid('json') });
    if (!merged.success) throw invalid(toFieldErrors(merged.error));
    const patch = c.req.valid('json');
    const action = Object.keys(patch).length === 1 && 'enabled' in patch ? (patch.enabled ? 'rule.enable' : 'rule.disable') : 'rule.update';
    return c.json(await replaceRule(c, caller, existing, merged.data, action), 200);
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
      deleteRuleStatement(c.env.DB, caller.installation.id, existing.id),
      audit(c, caller, 'rule.delete', existing.id, diffFields(definitionOf(existing) as unknown as Record<string, unknown>, null), now),
    ]);
    return c.body(null, 204);
  },
);

rulesApi.openapi(
  createRoute({
    method: 'post', path: '/{id}/duplicate', tags, security: bearerSecurity, summary: 'Copy a rule (the copy starts disabled, placed last)',
    request: { params: IdParam },
    responses: { 201: jsonResponse(Rule, 'The copy'), ...authErrors, 404: errors[404], 409: errors[409] },
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
    const id = `rule_${randomToken(12)}`;
    const now = new Date().toISOString();
    await c.env.DB.batch([
      insertRuleStatement(c.env.DB, caller.installation.id, { id, definition, actor: caller.userId, now }),
      audit(c, caller, 'rule.duplicate', id, { duplicatedFrom: { from: null, to: existing.id } }, now),
    ]);
    const rule = await readRule(c.env.DB, caller.installation.id, id);
    if (!rule) throw new Error('rule vanished after insert');
    return c.json(rule, 201);
  },
);
