// The one-click Zendesk setup ("Create Zendesk webhook and triggers") and its health read.
// I/O through the Zendesk client only; what to store is handed back (or to `storeSecrets`).
//
// Idempotent: pressed again, it finds what it made (by the stored ids, by name with
// GET /api/v2/webhooks?filter[name_contains]=, and the triggers list), reuses it, repairs what
// differs (PUT replaces a trigger's conditions and actions together), and removes duplicates.
// It never leaves a live webhook whose signing secret the worker does not know: the secret of
// the webhook it keeps (and of any event-subscription webhook named like ours that points at
// this worker) is read from Zendesk and stored before any trigger can fire.
//
// The triggers it installs (vendor facts, sources in test/fakes/zendesk-triggers.ts):
//  - "ticket solved": Status | Changed to | Solved (`status` / `value` / `solved`).
//  - "chat or messaging conversation ended": Messaging session state | Changed to | Ended, for
//    tickets whose channel is Chat (via id 29) or Messaging. The session-state condition's API
//    subject and values, and the messaging via id, are not in the public reference we could
//    read, so they are taken from GET /api/v2/triggers/definitions by title, never hard-coded.
//    An account that offers no such condition (no messaging) gets the solved trigger only.
// Both send ids only: {"ticket_id","event","updated_at"}; updated_at is
// {{ticket.updated_at_with_timestamp}}, Zendesk's time of the update to the minute
// (https://support.zendesk.com/hc/en-us/articles/4408886858138), which keys the interaction.
import type { ZendeskSetupHealth } from '../../../shared/schemas/api.ts';
import type { EndEvent } from '../../../shared/schemas/rule.ts';
import { UpstreamError } from '../errors.ts';
import type {
  ZendeskClient,
  ZendeskConditionDefinition,
  ZendeskTrigger,
  ZendeskTriggerCondition,
  ZendeskTriggerDefinitions,
  ZendeskWebhook,
} from './client.ts';

export const WEBHOOK_NAME = 'Post-interaction SMS';
const TITLE_PREFIX = 'Post-interaction SMS:';
export const TRIGGER_TITLES: Record<EndEvent, string> = {
  ticket_solved: 'Post-interaction SMS: ticket solved',
  conversation_ended: 'Post-interaction SMS: chat or messaging conversation ended',
};
/** The subscription of a webhook that triggers can notify (FACTS.md). */
const TRIGGER_SUBSCRIPTION = 'conditional_ticket_events';

export function triggerBody(event: EndEvent): string {
  return JSON.stringify({ ticket_id: '{{ticket.id}}', event, updated_at: '{{ticket.updated_at_with_timestamp}}' });
}

export interface DesiredTrigger {
  kind: EndEvent;
  title: string;
  conditions: { all: ZendeskTriggerCondition[]; any: ZendeskTriggerCondition[] };
}

const changedTo = (def: ZendeskConditionDefinition | undefined) =>
  def?.operators?.find((o) => /^changed to$/i.test(o.title.trim()))?.value ?? 'value';

/**
 * Pure: the triggers to install for an account, from its condition definitions. The solved
 * trigger always; the conversation-ended one only when the account offers the messaging session
 * state condition with an "Ended" value.
 */
export function desiredTriggers(defs: ZendeskTriggerDefinitions): DesiredTrigger[] {
  const all = defs.conditions_all ?? [];
  const any = defs.conditions_any ?? [];
  const status = all.find((d) => d.subject === 'status');
  const out: DesiredTrigger[] = [
    {
      kind: 'ticket_solved',
      title: TRIGGER_TITLES.ticket_solved,
      conditions: { all: [{ field: 'status', operator: changedTo(status), value: 'solved' }], any: [] },
    },
  ];
  const session = all.find((d) => /messaging session state/i.test(d.title) || /session_state/i.test(d.subject));
  const ended = session?.values?.find((v) => /^ended$/i.test(v.title.trim()));
  if (!session || !ended) return out;
  // Restrict to Chat and Messaging tickets when the messaging channel can be named; without its
  // via id a Chat-only restriction would exclude messaging tickets, so then there is none.
  const via = any.find((d) => d.subject === 'via_id');
  const viaValue = (pattern: RegExp) => via?.values?.find((v) => pattern.test(v.title.trim()))?.value;
  const messaging = viaValue(/^(native )?messaging$/i);
  const chat = viaValue(/^chat$/i);
  const channels = messaging === undefined ? [] : [chat, messaging].filter((v): v is string => v !== undefined);
  out.push({
    kind: 'conversation_ended',
    title: TRIGGER_TITLES.conversation_ended,
    conditions: {
      all: [{ field: session.subject, operator: changedTo(session), value: ended.value }],
      any: channels.map((value) => ({ field: 'via_id', operator: 'is', value })),
    },
  });
  return out;
}

const normalizeConditions = (c: ZendeskTrigger['conditions']) =>
  JSON.stringify(
    (['all', 'any'] as const).map((key) =>
      (c[key] ?? []).map((x) => ({ field: x.field, operator: x.operator, value: x.value === undefined || x.value === null ? null : String(x.value) })),
    ),
  );
const webhookActions = (t: ZendeskTrigger) =>
  t.actions.filter((a) => a.field === 'notification_webhook' && Array.isArray(a.value)).map((a) => (a.value as unknown[]).map(String));

/** The trigger as Zendesk holds it is what we would install (active, same conditions, same webhook call). */
function matches(t: ZendeskTrigger, want: DesiredTrigger, webhookId: string): boolean {
  const actions = webhookActions(t);
  return (
    t.active &&
    t.title === want.title &&
    normalizeConditions(t.conditions) === normalizeConditions(want.conditions) &&
    t.actions.length === 1 &&
    actions.length === 1 &&
    actions[0]?.[0] === webhookId &&
    actions[0]?.[1] === triggerBody(want.kind)
  );
}

async function orNullWhenGone<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof UpstreamError && err.status === 404) return null;
    throw err;
  }
}

async function removeUnlessGone(remove: () => Promise<void>): Promise<void> {
  await orNullWhenGone(remove);
}

export interface StoredSetup {
  webhookId: string;
  triggerIds: string[];
}

export interface SetupOutcome {
  webhookId: string;
  triggerIds: string[];
  /** Event-subscription webhooks pointing at this worker whose secrets were stored too. */
  eventWebhookIds: string[];
  /** Webhooks deleted (duplicates, inactive ones of ours): forget their secrets. */
  removedWebhookIds: string[];
  changes: { webhookCreated: boolean; triggersCreated: number; triggersRepaired: number; triggersRemoved: number };
}

export async function ensureZendeskSetup(
  zendesk: ZendeskClient,
  opts: {
    /** This installation's webhook URL (webhook-urls.ts). */
    endpoint: string;
    stored: StoredSetup | null;
    /** Stores signing secrets by webhook id; called before any trigger points at the webhook. */
    storeSecrets: (secrets: Map<string, string>) => Promise<void>;
  },
): Promise<SetupOutcome> {
  const defs = await zendesk.getTriggerDefinitions();

  // 1. Webhooks: ours by stored id and by name, pointing at this worker.
  const found = new Map<string, ZendeskWebhook>();
  if (opts.stored) {
    const hook = await orNullWhenGone(() => zendesk.getWebhook(opts.stored?.webhookId ?? ''));
    if (hook) found.set(hook.id, hook);
  }
  for (const hook of await zendesk.listWebhooksNamed(WEBHOOK_NAME)) found.set(hook.id, hook);
  const ours = [...found.values()].filter((h) => h.endpoint === opts.endpoint);
  const forTriggers = ours.filter((h) => (h.subscriptions ?? []).length === 0 || (h.subscriptions ?? []).includes(TRIGGER_SUBSCRIPTION));
  const forEvents = ours.filter((h) => !forTriggers.includes(h) && h.status === 'active');
  const usable = forTriggers.filter((h) => h.status === 'active');
  let keeper = usable.find((h) => h.id === opts.stored?.webhookId) ?? usable[0];
  let webhookCreated = false;
  if (!keeper) {
    // https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/ (Create Webhook)
    const created = await zendesk.createWebhook({
      name: WEBHOOK_NAME,
      status: 'active',
      endpoint: opts.endpoint,
      http_method: 'POST',
      request_format: 'json',
      subscriptions: [TRIGGER_SUBSCRIPTION],
    });
    keeper = { id: String(created.id), name: WEBHOOK_NAME, status: 'active', endpoint: opts.endpoint, subscriptions: [TRIGGER_SUBSCRIPTION] };
    webhookCreated = true;
  }
  const webhookId = keeper.id;

  // 2. Secrets first: from here on Zendesk may call us signed with them.
  const secrets = new Map<string, string>();
  for (const hook of [keeper, ...forEvents]) secrets.set(hook.id, await zendesk.readWebhookSigningSecret(hook.id));
  await opts.storeSecrets(secrets);

  // 3. Triggers: reuse by title (stored ids first), repair what differs, create what is missing.
  const extraHooks = forTriggers.filter((h) => h.id !== webhookId).map((h) => h.id);
  const storedIds = new Set(opts.stored?.triggerIds ?? []);
  const candidates = (await zendesk.listTriggers()).filter(
    (t) =>
      storedIds.has(String(t.id)) ||
      t.title.startsWith(TITLE_PREFIX) ||
      webhookActions(t).some((a) => a[0] === webhookId || extraHooks.includes(a[0] ?? '')),
  );
  candidates.sort((a, b) => Number(storedIds.has(String(b.id))) - Number(storedIds.has(String(a.id))));
  const kept: string[] = [];
  let triggersCreated = 0;
  let triggersRepaired = 0;
  for (const want of desiredTriggers(defs)) {
    const body = {
      title: want.title,
      active: true,
      conditions: want.conditions,
      actions: [{ field: 'notification_webhook', value: [webhookId, triggerBody(want.kind)] }],
    };
    const existing = candidates.find((t) => t.title === want.title && !kept.includes(String(t.id)));
    if (existing && matches(existing, want, webhookId)) {
      kept.push(String(existing.id));
    } else if (existing) {
      kept.push(String((await zendesk.updateTrigger(String(existing.id), body)).id));
      triggersRepaired += 1;
    } else {
      kept.push(String((await zendesk.createTrigger(body)).id));
      triggersCreated += 1;
    }
  }
  // Duplicates from earlier presses, triggers of ours no longer wanted, and triggers calling a
  // webhook of ours that is going away.
  const surplus = candidates.filter((t) => !kept.includes(String(t.id)));
  for (const t of surplus) await removeUnlessGone(() => zendesk.deleteTrigger(String(t.id)));

  // 4. Webhooks of ours that are not kept (duplicates, inactive ones): nothing calls them now.
  for (const id of extraHooks) await removeUnlessGone(() => zendesk.deleteWebhook(id));

  return {
    webhookId,
    triggerIds: kept,
    eventWebhookIds: forEvents.map((h) => h.id),
    removedWebhookIds: extraHooks,
    changes: { webhookCreated, triggersCreated, triggersRepaired, triggersRemoved: surplus.length },
  };
}

/**
 * Whether what Setup made still exists and is active in Zendesk (a health read: the webhook, the
 * triggers list and the condition definitions, 3 calls). `secretIds` are the webhook ids whose
 * signing secrets the worker holds.
 */
export async function readZendeskSetupHealth(
  zendesk: ZendeskClient,
  opts: { endpoint: string; stored: StoredSetup | null; secretIds: readonly string[] },
): Promise<ZendeskSetupHealth> {
  const defs = await zendesk.getTriggerDefinitions();
  const wanted = desiredTriggers(defs);
  const conversationEndedAvailable = wanted.some((w) => w.kind === 'conversation_ended');
  const stored = opts.stored;
  if (!stored) {
    return {
      configured: false,
      ok: false,
      webhook: null,
      triggers: wanted.map((w) => ({ kind: w.kind, title: w.title, id: null, exists: false, active: false, upToDate: false })),
      conversationEndedAvailable,
    };
  }
  const [hook, triggers] = await Promise.all([orNullWhenGone(() => zendesk.getWebhook(stored.webhookId)), zendesk.listTriggers()]);
  const webhook = {
    id: stored.webhookId,
    exists: hook !== null,
    active: hook?.status === 'active',
    endpointMatches: hook?.endpoint === opts.endpoint,
    signingSecretKnown: opts.secretIds.includes(stored.webhookId),
  };
  const ids = new Set(stored.triggerIds);
  const items = wanted.map((w) => {
    const t = triggers.find((x) => ids.has(String(x.id)) && x.title === w.title) ?? triggers.find((x) => ids.has(String(x.id)) && webhookActions(x).some((a) => a[1] === triggerBody(w.kind)));
    return {
      kind: w.kind,
      title: w.title,
      id: t ? String(t.id) : null,
      exists: t !== undefined,
      active: t?.active === true,
      upToDate: t !== undefined && matches(t, w, stored.webhookId),
    };
  });
  const ok = webhook.exists && webhook.active && webhook.endpointMatches && webhook.signingSecretKnown && items.every((i) => i.exists && i.active && i.upToDate);
  return { configured: true, ok, webhook, triggers: items, conversationEndedAvailable };
}
