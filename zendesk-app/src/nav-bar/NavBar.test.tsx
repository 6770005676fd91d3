// The admin screen as an admin or supervisor uses it: access by role, the requirements checklist,
// rule list actions (toggle, reorder, duplicate, delete), the rule editor (validation, 422 errors
// on the right inputs, live counter, preview, test send), setup and audit; Connect, Reconnect and
// Disconnect; the session (refresh on 401, drafts kept when it ends). The worker is played by the
// fake worker's fetch (with a small in-memory rule store), Zendesk by the stand-in ZAF client.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizePhone } from '../../../shared/phone/normalize.ts';
import type { Rule, RuleInput } from '../../../shared/schemas/rule.ts';
import type { SettingsResponse } from '../api/admin-api.ts';
import type { Me } from '../../../shared/schemas/api.ts';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker, type FakeWorker, type FakeWorkerRequest } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { me, NOW, rule, send, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';

interface Backend {
  rules: Rule[];
}

/** A tiny worker: the rule store behind /v1/rules, answering like the contract says. */
function installRulesBackend(worker: FakeWorker, initial: Rule[]): Backend {
  const backend: Backend = { rules: initial.map((r) => ({ ...r })) };
  let nextId = 100;
  const reposition = () => {
    backend.rules = backend.rules.map((r, i) => ({ ...r, position: i }));
  };
  const fromInput = (input: RuleInput, base: Partial<Rule>): Rule =>
    rule({
      ...base,
      label: input.label,
      enabled: input.enabled ?? true,
      senderNumber: input.senderNumber,
      recipients: {
        assignedAgent: input.recipients.assignedAgent ?? false,
        customer: input.recipients.customer ?? false,
        otherNumbers: (input.recipients.otherNumbers ?? []).map((n) => {
          const normalized = normalizePhone(n, 'US');
          return normalized.ok ? normalized.e164 : n;
        }),
      },
      content: {
        customText: input.content.customText ?? '',
        includeSummary: input.content.includeSummary ?? false,
        skipIfNoSummary: input.content.skipIfNoSummary ?? false,
        dataFields: input.content.dataFields ?? [],
        translations: input.content.translations ?? [],
      },
      conditions: {
        groupIds: input.conditions?.groupIds ?? [],
        fieldConditions: input.conditions?.fieldConditions ?? [],
        events: input.conditions?.events ?? ['ticket_solved'],
      },
      stopProcessing: input.stopProcessing ?? false,
      sendDelayMinutes: input.sendDelayMinutes ?? 0,
    });
  const idOf = (r: FakeWorkerRequest) => r.path.split('/')[3] ?? '';

  worker.route('GET', '/v1/rules', () => ({ status: 200, body: { rules: backend.rules } }));
  worker.route('POST', '/v1/rules', (r) => {
    const created = fromInput(r.body as RuleInput, { id: `r${nextId++}`, position: backend.rules.length });
    backend.rules.push(created);
    return { status: 201, body: created };
  });
  worker.route('PUT', /^\/v1\/rules\/[^/]+$/, (r) => {
    const id = idOf(r);
    const old = backend.rules.find((x) => x.id === id);
    if (!old) return { status: 404, body: { error: { code: 'not_found', message: 'No such rule' } } };
    const updated = fromInput(r.body as RuleInput, { id, position: old.position, version: old.version + 1 });
    backend.rules = backend.rules.map((x) => (x.id === id ? updated : x));
    return { status: 200, body: updated };
  });
  worker.route('PATCH', /^\/v1\/rules\/[^/]+$/, (r) => {
    const id = idOf(r);
    const old = backend.rules.find((x) => x.id === id);
    if (!old) return { status: 404, body: { error: { code: 'not_found', message: 'No such rule' } } };
    const updated = { ...old, ...(r.body as Partial<Rule>), version: old.version + 1 };
    backend.rules = backend.rules.map((x) => (x.id === id ? updated : x));
    return { status: 200, body: updated };
  });
  worker.route('DELETE', /^\/v1\/rules\/[^/]+$/, (r) => {
    backend.rules = backend.rules.filter((x) => x.id !== idOf(r));
    reposition();
    return { status: 204 };
  });
  worker.route('POST', /^\/v1\/rules\/[^/]+\/duplicate$/, (r) => {
    const source = backend.rules.find((x) => x.id === idOf(r));
    if (!source) return { status: 404, body: { error: { code: 'not_found', message: 'No such rule' } } };
    const copy = { ...source, id: `r${nextId++}`, label: `${source.label} (copy)`, position: backend.rules.length };
    backend.rules.push(copy);
    return { status: 201, body: copy };
  });
  worker.route('PUT', '/v1/rules/order', (r) => {
    const ids = (r.body as { ruleIds: string[] }).ruleIds;
    backend.rules = ids.map((id) => backend.rules.find((x) => x.id === id)).filter((x): x is Rule => !!x);
    reposition();
    return { status: 200, body: { rules: backend.rules } };
  });
  return backend;
}

interface SetupOptions {
  role?: 'admin' | 'supervisor' | 'agent';
  /** What /v1/me answers beyond the role (e.g. `connection`). */
  me?: Partial<Me>;
  /** The ZAF currentUser's role (default: the role). */
  zafRole?: string;
  settings?: SettingsResponse;
  rules?: Rule[];
  /** How often Connect asks /v1/me (default 20 ms). */
  connectPollIntervalMs?: number;
}

function setup(options: SetupOptions = {}) {
  const role = options.role ?? 'admin';
  const client = createFakeZafClient({
    context: { location: 'nav_bar' },
    data: { currentUser: { id: 1001, name: 'Ada Admin', role: options.zafRole ?? role, locale: 'en' } },
  });
  const worker = createFakeWorker({ location: 'nav_bar' });
  worker.route('GET', '/v1/me', { status: 200, body: me({ role, canManageRules: role !== 'agent', ...options.me }) });
  worker.route('GET', '/v1/settings', { status: 200, body: options.settings ?? settingsResponse() });
  worker.route('GET', '/v1/telnyx/numbers', {
    status: 200,
    body: {
      messagingProfileId: 'mp_123',
      numbers: ['+14155550100', '+14155550199'].map((phoneNumber) => ({
        phoneNumber,
        type: 'long_code',
        countryCode: 'US',
        us: { status: 'ready', reason: 'ten_dlc_assigned', detail: null },
      })),
      alphanumericSenders: [],
    },
  });
  client.route('GET', '/api/v2/groups.json', {
    status: 200,
    body: {
      groups: [
        { id: 11, name: 'Support' },
        { id: 12, name: 'Billing' },
      ],
      next_page: null,
    },
  });
  client.route('GET', '/api/v2/ticket_fields.json', {
    status: 200,
    body: {
      ticket_fields: [
        { id: 1, title: 'Subject', type: 'subject', active: true, removable: false },
        {
          id: 360001,
          title: 'Product',
          type: 'tagger',
          active: true,
          removable: true,
          custom_field_options: [
            { name: 'Phone', value: 'product_phone' },
            { name: 'Laptop', value: 'product_laptop' },
          ],
        },
        { id: 360002, title: 'Order number', type: 'text', active: true, removable: true },
      ],
      next_page: null,
    },
  });
  const backend = installRulesBackend(worker, options.rules ?? []);
  const user = userEvent.setup();
  const view = render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <NavBar connectPollIntervalMs={options.connectPollIntervalMs ?? 20} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { client, worker, backend, user, ...view };
}

afterEach(() => {
  sessionStorage.clear();
  vi.restoreAllMocks();
});

const twoRules = () => [
  rule({ id: 'r1', position: 0, label: 'Thank the customer' }),
  rule({ id: 'r2', position: 1, label: 'Tell the agent', recipients: { assignedAgent: true, customer: false, otherNumbers: [] } }),
];

function rowLabels(): string[] {
  const table = screen.getByRole('table', { name: 'Rules in evaluation order' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[1]?.querySelector('div')?.textContent ?? '');
}

async function openNewRule(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'New rule' }));
  return screen.findByRole('form', { name: 'New rule' });
}

describe('NavBar: access', () => {
  it('shows a loading state, then the rules', async () => {
    setup({ rules: twoRules() });
    expect(await screen.findByRole('status')).toHaveTextContent('Loading');
    expect(await screen.findByText('Tell the agent')).toBeInTheDocument();
  });

  it('tells agents to ask their admin', async () => {
    const { worker } = setup({ role: 'agent' });
    expect(await screen.findByText('Ask your admin')).toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    expect(worker.requestsTo('GET', '/v1/settings')).toHaveLength(0);
  });

  it('treats a 403 from the worker as access denied', async () => {
    const { worker } = setup();
    worker.route('GET', '/v1/me', { status: 403, body: { error: { code: 'forbidden', message: 'Agents cannot manage rules' } } });
    expect(await screen.findByText('Ask your admin')).toBeInTheDocument();
  });

  it('shows a load error with a retry', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('GET', '/v1/settings', { status: 500, body: { error: { code: 'internal', message: 'D1 is unavailable' } } });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the SMS settings');
    expect(alert).toHaveTextContent('D1 is unavailable');
    worker.route('GET', '/v1/settings', { status: 200, body: settingsResponse() });
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Tell the agent')).toBeInTheDocument();
  });

  it('lets supervisors manage rules but not change setup', async () => {
    const { user } = setup({ role: 'supervisor', rules: twoRules() });
    expect(await screen.findByRole('button', { name: 'New rule' })).toBeEnabled();
    await user.click(screen.getByRole('tab', { name: 'Setup' }));
    expect(await screen.findByText(/Only Zendesk admins can change the setup/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create Zendesk webhook and triggers' })).toBeDisabled();
  });
});

describe('NavBar: requirements', () => {
  it('shows the checklist and disables rule creation with the reason until they are met', async () => {
    setup({
      settings: settingsResponse({
        requirements: { smsConnected: true, hasSenderNumber: false, hasGroup: true, ready: false, missing: ['sender_number'] },
      }),
    });
    const checklist = await screen.findByLabelText('Before rules can be saved');
    const items = within(checklist).getAllByRole('listitem');
    expect(items.map((i) => i.dataset.met)).toEqual(['true', 'false', 'true']);
    expect(items[1]).toHaveTextContent('missing');
    const create = screen.getByRole('button', { name: 'New rule' });
    expect(create).toBeDisabled();
    expect(create).toHaveAccessibleDescription('Add an SMS-enabled number to the Telnyx messaging profile before creating rules.');
  });

  it('shows the worker\'s "requirements not met" answer when saving', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('PUT', '/v1/rules/r1', {
      status: 409,
      body: { error: { code: 'requirements_not_met', message: 'Connect SMS before saving rules.' } },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    await user.click(await screen.findByRole('button', { name: 'Save rule' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Rules can't be saved yet");
    expect(alert).toHaveTextContent('Connect SMS before saving rules.');
  });
});

describe('NavBar: rule list', () => {
  it('shows an empty state', async () => {
    setup();
    expect(await screen.findByText('No rules yet')).toBeInTheDocument();
  });

  it('disables and enables a rule', async () => {
    const { worker, backend, user } = setup({ rules: twoRules() });
    const toggle = await screen.findByRole('switch', { name: 'Enabled: Tell the agent' });
    expect(toggle).toBeChecked();
    await user.click(toggle);
    await waitFor(() => expect(toggle).not.toBeChecked());
    expect(worker.requestsTo('PATCH', '/v1/rules/r2')[0]?.body).toEqual({ enabled: false });
    expect(backend.rules[1]?.enabled).toBe(false);
  });

  it('moves rules up and down and saves the new order', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    await screen.findByText('Tell the agent');
    expect(rowLabels()).toEqual(['Thank the customer', 'Tell the agent']);
    expect(screen.getByRole('button', { name: 'Move Thank the customer up' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Move Tell the agent up' }));
    await waitFor(() => expect(rowLabels()).toEqual(['Tell the agent', 'Thank the customer']));
    expect(worker.requestsTo('PUT', '/v1/rules/order')[0]?.body).toEqual({ ruleIds: ['r2', 'r1'] });

    await user.click(screen.getByRole('button', { name: 'Move Tell the agent down' }));
    await waitFor(() => expect(rowLabels()).toEqual(['Thank the customer', 'Tell the agent']));
    expect(worker.requestsTo('PUT', '/v1/rules/order')[1]?.body).toEqual({ ruleIds: ['r1', 'r2'] });
  });

  it('reorders by dragging a row onto another', async () => {
    const { worker } = setup({ rules: twoRules() });
    await screen.findByText('Tell the agent');
    fireEvent.dragStart(screen.getByTestId('rule-row-r2'));
    fireEvent.dragOver(screen.getByTestId('rule-row-r1'));
    fireEvent.drop(screen.getByTestId('rule-row-r1'));
    await waitFor(() => expect(rowLabels()).toEqual(['Tell the agent', 'Thank the customer']));
    expect(worker.requestsTo('PUT', '/v1/rules/order')[0]?.body).toEqual({ ruleIds: ['r2', 'r1'] });
  });

  it('puts the order back when saving it fails', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('PUT', '/v1/rules/order', { status: 500, body: { error: { code: 'internal', message: 'Order not saved' } } });
    await user.click(await screen.findByRole('button', { name: 'Move Tell the agent up' }));
    expect(await screen.findByText('Could not change the order')).toBeInTheDocument();
    expect(rowLabels()).toEqual(['Thank the customer', 'Tell the agent']);
  });

  it('duplicates a rule', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    await user.click(await screen.findByRole('button', { name: 'Duplicate Thank the customer' }));
    expect(await screen.findByText('Thank the customer (copy)')).toBeInTheDocument();
    expect(worker.requestsTo('POST', '/v1/rules/r1/duplicate')).toHaveLength(1);
    expect(rowLabels()).toEqual(['Thank the customer', 'Tell the agent', 'Thank the customer (copy)']);
  });

  it('deletes a rule after confirming in a modal, and keeps it when cancelled', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    await user.click(await screen.findByRole('button', { name: 'Delete Tell the agent' }));
    let dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('The rule "Tell the agent" will stop sending SMS.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(worker.requestsTo('DELETE', '/v1/rules/r2')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete Tell the agent' }));
    dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Delete rule' }));
    await waitFor(() => expect(screen.queryByText('Tell the agent')).not.toBeInTheDocument());
    expect(worker.requestsTo('DELETE', '/v1/rules/r2')).toHaveLength(1);
    expect(rowLabels()).toEqual(['Thank the customer']);
  });

  it('shows why an action failed', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('POST', /duplicate$/, { status: 500, body: { error: { code: 'internal', message: 'Copy failed' } } });
    await user.click(await screen.findByRole('button', { name: 'Duplicate Thank the customer' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not duplicate the rule');
    expect(alert).toHaveTextContent('Copy failed');
  });
});

describe('NavBar: rule editor', () => {
  it('creates a rule with every kind of field', async () => {
    const { worker, user } = setup();
    const form = await openNewRule(user);
    await user.type(within(form).getByLabelText('Label'), 'After-chat follow-up');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: '+14155550199' })).toHaveLength(1));
    await user.selectOptions(within(form).getByLabelText('Sender number'), '+14155550199');
    await user.click(within(form).getByRole('checkbox', { name: /The assigned agent/ }));
    await user.click(within(form).getByRole('button', { name: 'Add a number' }));
    await user.type(within(form).getByLabelText('Other number 1'), '+1 415 555 0142');
    await user.type(within(form).getByLabelText('Custom text'), 'Thanks for chatting with us!');
    await user.click(within(form).getByRole('checkbox', { name: /Include a summary/ }));
    await user.click(within(form).getByRole('button', { name: 'Add a field' }));
    await waitFor(() => expect(within(form).getAllByRole('option', { name: 'Order number' }).length).toBeGreaterThan(0));
    await user.selectOptions(within(form).getByLabelText('Data field 1'), '360002');
    await user.type(within(form).getByLabelText('Label for data field 1'), 'Order');
    await user.click(await within(form).findByRole('checkbox', { name: 'Billing' }));
    await user.click(within(form).getByRole('button', { name: 'Add a condition' }));
    await user.selectOptions(within(form).getByLabelText('Field of condition 1'), '360001');
    await user.selectOptions(within(form).getByLabelText('Operator of condition 1'), 'one_of');
    await user.click(within(form).getByRole('checkbox', { name: 'Laptop' }));
    await user.click(within(form).getByRole('checkbox', { name: 'A chat or messaging conversation ends' }));
    await user.click(within(form).getByRole('checkbox', { name: /Stop after this rule/ }));
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));

    expect(await screen.findByText('After-chat follow-up')).toBeInTheDocument();
    expect(worker.requestsTo('POST', '/v1/rules')[0]?.body).toEqual({
      label: 'After-chat follow-up',
      enabled: true,
      senderNumber: '+14155550199',
      recipients: { assignedAgent: true, customer: true, otherNumbers: ['+1 415 555 0142'] },
      content: {
        customText: 'Thanks for chatting with us!',
        includeSummary: true,
        skipIfNoSummary: false,
        dataFields: [{ field: '360002', label: 'Order' }],
        translations: [],
      },
      conditions: {
        groupIds: ['12'],
        fieldConditions: [{ field: '360001', operator: 'one_of', values: ['product_laptop'] }],
        events: ['ticket_solved', 'conversation_ended'],
      },
      stopProcessing: true,
      sendDelayMinutes: 0,
    });
  });

  it('edits a rule with PUT and keeps its fields', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    const form = await screen.findByRole('form', { name: 'Edit rule: Thank the customer' });
    expect(within(form).getByLabelText('Custom text')).toHaveValue('Thanks for contacting us!');
    const label = within(form).getByLabelText('Label');
    await user.clear(label);
    await user.type(label, 'Thanks!');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    expect(await screen.findByText('Thanks!')).toBeInTheDocument();
    expect(worker.requestsTo('PUT', '/v1/rules/r1')[0]?.body).toMatchObject({
      label: 'Thanks!',
      senderNumber: '+14155550100',
      content: { customText: 'Thanks for contacting us!' },
    });
  });

  it('shows each 422 field error on its input and keeps what was typed', async () => {
    const { worker, user } = setup();
    worker.route('POST', '/v1/rules', {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: 'The rule has problems',
          fields: [
            { field: 'label', reason: 'A rule with this label exists' },
            { field: 'recipients.otherNumbers.1', reason: 'This number opted out' },
            { field: 'content.customText', reason: 'Contains a blocked word' },
            { field: 'conditions.groupIds.0', reason: 'Unknown group' },
            { field: 'somethingNew', reason: 'A field the app does not know' },
          ],
        },
      },
    });
    const form = await openNewRule(user);
    await user.type(within(form).getByLabelText('Label'), 'Duplicate name');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: '+14155550100' })).toHaveLength(1));
    await user.selectOptions(within(form).getByLabelText('Sender number'), '+14155550100');
    await user.click(within(form).getByRole('button', { name: 'Add a number' }));
    await user.type(within(form).getByLabelText('Other number 1'), '+14155550111');
    await user.click(within(form).getByRole('button', { name: 'Add a number' }));
    await user.type(within(form).getByLabelText('Other number 2'), '+14155550122');
    await user.type(within(form).getByLabelText('Custom text'), 'Hello');
    await user.click(await within(form).findByRole('checkbox', { name: 'Support' }));
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));

    expect(await within(form).findByLabelText('Label')).toHaveAccessibleDescription(
      expect.stringContaining('A rule with this label exists'),
    );
    expect(within(form).getByLabelText('Other number 2')).toHaveAccessibleDescription('This number opted out');
    expect(within(form).getByLabelText('Other number 1')).not.toHaveAccessibleDescription('This number opted out');
    expect(within(form).getByLabelText('Custom text')).toHaveAccessibleDescription(expect.stringContaining('Contains a blocked word'));
    expect(within(form).getByRole('group', { name: 'Groups' })).toHaveTextContent('Unknown group');
    expect(within(form).getByText('Please fix these problems').closest('[role="alert"]')).toHaveTextContent(
      'somethingNew: A field the app does not know',
    );
    expect(screen.getByText('The rule was not saved')).toBeInTheDocument();

    // Nothing typed was lost.
    expect(within(form).getByLabelText('Label')).toHaveValue('Duplicate name');
    expect(within(form).getByLabelText('Other number 2')).toHaveValue('+14155550122');
    expect(within(form).getByLabelText('Custom text')).toHaveValue('Hello');
  });

  it('validates with the shared schema before sending anything', async () => {
    const { worker, user } = setup();
    const form = await openNewRule(user);
    await user.click(within(form).getByRole('checkbox', { name: /The customer/ }));
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(within(form).getByLabelText('Label')).toHaveAccessibleDescription(expect.stringContaining('Label is required'));
    expect(within(form).getByText('Pick at least one recipient')).toBeInTheDocument();
    expect(within(form).getByText('Add custom text, the summary or data fields')).toBeInTheDocument();
    expect(worker.requestsTo('POST', '/v1/rules')).toHaveLength(0);

    await user.type(within(form).getByLabelText('Label'), 'x');
    expect(within(form).getByLabelText('Label')).not.toHaveAccessibleDescription(expect.stringContaining('Label is required'));
  });

  it('checks other numbers as you type, with the default country', async () => {
    const { user } = setup();
    const form = await openNewRule(user);
    await user.click(within(form).getByRole('button', { name: 'Add a number' }));
    const input = within(form).getByLabelText('Other number 1');
    await user.type(input, '415-555-01');
    expect(input).toHaveAccessibleDescription(/.+/);
    await user.type(input, '42');
    expect(input).not.toHaveAccessibleDescription(/.+/);
    await user.clear(input);
    await user.type(input, 'call me');
    expect(input).toHaveAccessibleDescription('Not a phone number');
  });

  it('counts characters, encoding, segments and cost as you type', async () => {
    const { user } = setup();
    const form = await openNewRule(user);
    const counter = within(form).getByTestId('message-counter');
    expect(counter).toHaveTextContent('0 / 500 characters · GSM-7 · 0 segments');
    await user.type(within(form).getByLabelText('Custom text'), 'Hello');
    expect(counter).toHaveTextContent('5 / 500 characters · GSM-7 · 1 segment · 155 left in this segment · about $0.0040 per recipient');

    await user.type(within(form).getByLabelText('Custom text'), ' 😀');
    expect(counter).toHaveTextContent('UCS-2 · 1 segment');
    expect(counter).toHaveTextContent('switch the whole message to UCS-2');
  });

  it('warns past the part limit and rejects more than 500 characters', async () => {
    const { worker, user } = setup({
      settings: settingsResponse({ settings: { ...settingsResponse().settings, maxParts: 2 } }),
    });
    const form = await openNewRule(user);
    const text = within(form).getByLabelText('Custom text');
    await user.click(text);
    await user.paste('a'.repeat(501));
    const counter = within(form).getByTestId('message-counter');
    expect(counter).toHaveTextContent('501 / 500 characters · GSM-7 · 4 segments');
    expect(within(counter).getByRole('alert')).toHaveTextContent('Longer than the 2-part limit set in Setup');
    await user.type(within(form).getByLabelText('Label'), 'Long');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(text).toHaveAccessibleDescription(expect.stringContaining('Custom text is limited to 500 characters'));
    expect(worker.requestsTo('POST', '/v1/rules')).toHaveLength(0);
  });

  it('disables the summary, with the reason, while summaries are off', async () => {
    const { user } = setup({
      settings: settingsResponse({ settings: { ...settingsResponse().settings, summariesEnabled: false } }),
    });
    const form = await openNewRule(user);
    const summary = within(form).getByRole('checkbox', { name: /Include a summary/ });
    expect(summary).toBeDisabled();
    expect(within(form).getByText(/Summaries are switched off for this account/)).toBeInTheDocument();
  });

  it('previews the message for a ticket', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('POST', '/v1/preview', {
      status: 200,
      body: {
        matched: true,
        reason: null,
        text: 'Thanks for contacting us!\nOrder: 1234',
        segments: { encoding: 'GSM-7', segments: 1, characters: 37 },
        recipients: [
          { kind: 'customer', masked: '+1 *** *** 0123', skipReason: null },
          { kind: 'assigned_agent', masked: null, skipReason: 'no_valid_number' },
        ],
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    await user.type(await screen.findByLabelText('Ticket id'), '4321');
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByTestId('preview-text')).toHaveTextContent('Thanks for contacting us! Order: 1234');
    expect(screen.getByText('This rule would fire for this ticket. The message:')).toBeInTheDocument();
    expect(screen.getByText(/skipped: No valid phone number/)).toBeInTheDocument();
    const body = worker.requestsTo('POST', '/v1/preview')[0]?.body as { ticketId: string; rule: RuleInput };
    expect(body.ticketId).toBe('4321');
    expect(body.rule.label).toBe('Thank the customer');
  });

  it('sends a test SMS to a number', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('POST', '/v1/test-send', { status: 200, body: send({ status: 'queued', recipientMasked: '+1 *** *** 0142' }) });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    await user.type(await screen.findByLabelText('Send a test to'), '+14155550142');
    await user.click(screen.getByRole('button', { name: 'Send test SMS' }));
    expect(await screen.findByText('Test SMS to +1 *** *** 0142:')).toBeInTheDocument();
    expect(screen.getByText('Queued')).toBeInTheDocument();
    expect(worker.requestsTo('POST', '/v1/test-send')[0]?.body).toMatchObject({ to: '+14155550142' });
  });

  it('puts preview errors on the rule fields', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('POST', '/v1/preview', {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid',
          fields: [{ field: 'rule.senderNumber', reason: 'Not in the messaging profile' }],
        },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    await user.type(await screen.findByLabelText('Ticket id'), '1');
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText('The preview failed')).toBeInTheDocument();
    expect(screen.getByLabelText('Sender number')).toHaveAccessibleDescription(expect.stringContaining('Not in the messaging profile'));
  });
});

describe('NavBar: setup', () => {
  it('connects Telnyx without ever showing the secrets again', async () => {
    const { worker, user } = setup();
    worker.route('PUT', '/v1/settings/telnyx', {
      status: 200,
      body: settingsResponse({
        connection: {
          ...settingsResponse().connection,
          telnyx: { apiKeySet: true, apiKeyHint: '…wxyz', messagingProfileId: 'mp_999', publicKeySet: true, sandboxAvailable: false },
        },
      }),
    });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    expect(await screen.findByTestId('telnyx-status')).toHaveTextContent('Connected with the API key …abcd');
    const apiKey = screen.getByLabelText('API key');
    expect(apiKey).toHaveAttribute('type', 'password');
    await user.type(apiKey, 'KEY0123456789wxyz');
    await user.type(screen.getByLabelText('Messaging profile id'), 'mp_999');
    await user.click(screen.getByRole('button', { name: 'Save credentials' }));

    expect(await screen.findByText('The credentials were saved.')).toBeInTheDocument();
    expect(screen.getByTestId('telnyx-status')).toHaveTextContent('Connected with the API key …wxyz');
    expect(screen.getByTestId('telnyx-status')).toHaveTextContent('Messaging profile: mp_999');
    expect(apiKey).toHaveValue('');
    expect(worker.requestsTo('PUT', '/v1/settings/telnyx')[0]?.body).toEqual({
      apiKey: 'KEY0123456789wxyz',
      messagingProfileId: 'mp_999',
    });
  });

  it('shows credential errors on their fields', async () => {
    const { worker, user } = setup();
    worker.route('PUT', '/v1/settings/telnyx', {
      status: 422,
      body: { error: { code: 'validation_failed', message: 'Invalid', fields: [{ field: 'apiKey', reason: 'Telnyx refused this key' }] } },
    });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    await user.type(await screen.findByLabelText('API key'), 'KEY0123456789');
    await user.click(screen.getByRole('button', { name: 'Save credentials' }));
    await waitFor(() =>
      expect(screen.getByLabelText('API key')).toHaveAccessibleDescription(expect.stringContaining('Telnyx refused this key')),
    );
    expect(screen.getByLabelText('API key')).toHaveValue('KEY0123456789');
  });

  it('creates the Zendesk webhook and triggers', async () => {
    const { worker, user } = setup();
    worker.route('POST', '/v1/setup/zendesk', { status: 200, body: { webhookId: 'wh_1', triggerIds: ['t1', 't2'] } });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    await user.click(await screen.findByRole('button', { name: 'Create Zendesk webhook and triggers' }));
    expect(await screen.findByText('Created the webhook wh_1 and 2 triggers.')).toBeInTheDocument();
    expect(screen.getByTestId('telnyx-webhook-url')).toHaveTextContent('https://worker.test/webhooks/telnyx/inst_1');
  });

  it('saves only the changed settings, and shows setting errors on their fields', async () => {
    const { worker, user } = setup();
    let answer = { status: 200, body: settingsResponse({ settings: { ...settingsResponse().settings, maxParts: 6 } }) } as {
      status: number;
      body: unknown;
    };
    worker.route('PATCH', '/v1/settings', () => answer);
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    const maxParts = await screen.findByLabelText('Maximum SMS parts per message');
    await user.clear(maxParts);
    await user.type(maxParts, '6');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('The settings were saved.')).toBeInTheDocument();
    expect(worker.requestsTo('PATCH', '/v1/settings')[0]?.body).toEqual({ maxParts: 6 });

    answer = {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid',
          fields: [{ field: 'quietHours.timeZone', reason: 'Unknown IANA time zone' }],
        },
      },
    };
    await user.click(screen.getByRole('checkbox', { name: /Hold messages during quiet hours/ }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Time zone')).toHaveAccessibleDescription(expect.stringContaining('Unknown IANA time zone')),
    );
    expect(screen.getByText('The settings were not saved')).toBeInTheDocument();
  });

  it('checks settings with the shared schema before sending them', async () => {
    const { worker, user } = setup();
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    const maxParts = await screen.findByLabelText('Maximum SMS parts per message');
    await user.clear(maxParts);
    await user.type(maxParts, '12');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(maxParts).toHaveAccessibleDescription(/.+/));
    expect(worker.requestsTo('PATCH', '/v1/settings')).toHaveLength(0);
  });
});

describe('NavBar: audit', () => {
  it('lists who changed what', async () => {
    const { worker, user } = setup();
    worker.route('GET', '/v1/audit', {
      status: 200,
      body: {
        entries: [
          {
            id: 1,
            at: NOW,
            actorUserId: '1001',
            actorRole: 'admin',
            action: 'rule.updated',
            subjectId: 'r1',
            changes: { enabled: { from: true, to: false } },
          },
        ],
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Audit' }));
    expect(await screen.findByText('rule.updated')).toBeInTheDocument();
    expect(screen.getByText('User 1001 (admin)')).toBeInTheDocument();
    expect(screen.getByText('enabled: true → false')).toBeInTheDocument();
  });

  it('shows an empty audit trail', async () => {
    const { worker, user } = setup();
    worker.route('GET', '/v1/audit', { status: 200, body: { entries: [] } });
    await user.click(await screen.findByRole('tab', { name: 'Audit' }));
    expect(await screen.findByText('Nothing has changed yet.')).toBeInTheDocument();
  });

  it('rejects an answer that does not match the contract', async () => {
    const { worker, user } = setup();
    worker.route('GET', '/v1/audit', { status: 200, body: { entries: [{ id: 'not-a-number' }] } });
    await user.click(await screen.findByRole('tab', { name: 'Audit' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('answered in an unexpected format');
    await act(async () => {});
  });
});

const AUTHORIZE_URL = 'https://acme.zendesk.com/oauth/authorizations/new?response_type=code&client_id=pisms&state=s1';
const NOT_CONNECTED: Partial<Me> = { connection: 'not_connected', installationId: null, role: null, canManageRules: false };

function routeConnect(worker: FakeWorker) {
  worker.route('POST', '/v1/connect/zendesk', { status: 200, body: { authorizeUrl: AUTHORIZE_URL } });
}

describe('NavBar: connecting Zendesk', () => {
  it('shows Connect to an admin; it opens the consent page and lands on Setup once connected', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue({} as Window);
    const { worker, user } = setup({ me: NOT_CONNECTED });
    routeConnect(worker);
    const connect = await screen.findByRole('button', { name: 'Connect Zendesk' });
    expect(screen.getByText(/nothing to copy or paste/)).toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    expect(worker.requestsTo('GET', '/v1/settings')).toHaveLength(0);

    await user.click(connect);
    expect(open).toHaveBeenCalledWith(AUTHORIZE_URL, 'pisms-connect', 'popup,width=600,height=720');
    expect(await screen.findByText(/Waiting for you to approve/)).toBeInTheDocument();
    await waitFor(() => expect(worker.requestsTo('GET', '/v1/me').length).toBeGreaterThanOrEqual(3));
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(0);

    worker.route('GET', '/v1/me', { status: 200, body: me() });
    expect(await screen.findByRole('tab', { name: 'Setup', selected: true })).toBeInTheDocument();
    expect(await screen.findByTestId('zendesk-status')).toHaveTextContent('Connected to acme.zendesk.com.');
    // The session was refreshed (it now names the installation) before loading the settings.
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
    expect(worker.requestsTo('GET', '/v1/settings').at(-1)?.token).toBe('tok_2');
  });

  it('looks again at once when the consent window says it is done, from the app origin only', async () => {
    vi.spyOn(window, 'open').mockReturnValue({} as Window);
    const { worker, user } = setup({ me: NOT_CONNECTED, connectPollIntervalMs: 60_000 });
    routeConnect(worker);
    await user.click(await screen.findByRole('button', { name: 'Connect Zendesk' }));
    await screen.findByText(/Waiting for you to approve/);
    const asked = worker.requestsTo('GET', '/v1/me').length;
    worker.route('GET', '/v1/me', { status: 200, body: me() });

    act(() => {
      window.dispatchEvent(new MessageEvent('message', { origin: 'https://evil.example', data: { type: 'pisms:zendesk-connected' } }));
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(worker.requestsTo('GET', '/v1/me')).toHaveLength(asked);

    act(() => {
      window.dispatchEvent(new MessageEvent('message', { origin: window.location.origin, data: { type: 'pisms:zendesk-connected' } }));
    });
    expect(await screen.findByRole('tab', { name: 'Setup', selected: true })).toBeInTheDocument();
  });

  it('offers the consent page as a link when the popup was blocked', async () => {
    vi.spyOn(window, 'open').mockReturnValue(null);
    const { worker, user } = setup({ me: NOT_CONNECTED });
    routeConnect(worker);
    await user.click(await screen.findByRole('button', { name: 'Connect Zendesk' }));
    expect(await screen.findByText(/The browser blocked the Zendesk window/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Open the Zendesk authorization page/ })).toHaveAttribute('href', AUTHORIZE_URL);
  });

  it('says why Connect could not start', async () => {
    const { worker, user } = setup({ me: NOT_CONNECTED });
    worker.route('POST', '/v1/connect/zendesk', {
      status: 403,
      body: { error: { code: 'forbidden', message: 'Only admins can connect' } },
    });
    await user.click(await screen.findByRole('button', { name: 'Connect Zendesk' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not start connecting Zendesk');
    expect(alert).toHaveTextContent('Only admins can connect');
  });

  it('offers Connect when the account was disconnected after /v1/me answered', async () => {
    const { worker } = setup();
    worker.route('GET', '/v1/settings', {
      status: 409,
      body: { error: { code: 'not_connected', message: 'This Zendesk account is not connected yet' } },
    });
    expect(await screen.findByRole('button', { name: 'Connect Zendesk' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('tells a non-admin that an admin must connect the app first', async () => {
    setup({ role: 'agent', me: NOT_CONNECTED });
    expect(await screen.findByText('An admin of this Zendesk account must connect the app first.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect Zendesk' })).not.toBeInTheDocument();
    expect(screen.queryByText('Ask your admin')).not.toBeInTheDocument();
  });

  it('asks an admin to reconnect when Zendesk refused the token, and keeps the tabs', async () => {
    const open = vi.spyOn(window, 'open').mockReturnValue({} as Window);
    const { worker, user } = setup({ me: { connection: 'reconnect_needed' }, rules: twoRules() });
    routeConnect(worker);
    const reconnect = await screen.findByRole('button', { name: 'Reconnect Zendesk' });
    expect(screen.getByText(/no longer accepts the app's authorization/)).toBeInTheDocument();
    expect(await screen.findByText('Tell the agent')).toBeInTheDocument();
    await user.click(reconnect);
    expect(open).toHaveBeenCalledWith(AUTHORIZE_URL, 'pisms-connect', 'popup,width=600,height=720');
    worker.route('GET', '/v1/me', { status: 200, body: me() });
    expect(await screen.findByRole('tab', { name: 'Setup', selected: true })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reconnect Zendesk' })).not.toBeInTheDocument();
  });

  it('tells a non-admin that an admin must reconnect', async () => {
    setup({ role: 'agent', me: { connection: 'reconnect_needed', role: null } });
    expect(await screen.findByText(/An admin of this Zendesk account must reconnect it/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reconnect Zendesk' })).not.toBeInTheDocument();
  });
});

describe('NavBar: setup, sandbox and disconnect', () => {
  it('connects the SMS sandbox when the worker offers it', async () => {
    const base = settingsResponse();
    const { worker, user } = setup({
      settings: settingsResponse({
        connection: {
          ...base.connection,
          telnyx: { apiKeySet: false, apiKeyHint: null, messagingProfileId: null, publicKeySet: false, sandboxAvailable: true },
        },
      }),
    });
    // The sandbox sends with the worker's key: no key of the installation's own.
    worker.route('PUT', '/v1/settings/telnyx/sandbox', {
      status: 200,
      body: settingsResponse({
        connection: {
          ...base.connection,
          telnyx: { apiKeySet: false, apiKeyHint: null, messagingProfileId: 'mp_sandbox', publicKeySet: true, sandboxAvailable: true },
        },
      }),
    });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    expect(await screen.findByTestId('telnyx-status')).toHaveTextContent('Not connected');
    await user.click(screen.getByRole('button', { name: 'Use the SMS sandbox' }));
    expect(await screen.findByText('Connected to the SMS sandbox.')).toBeInTheDocument();
    expect(screen.getByTestId('telnyx-status')).toHaveTextContent('Connected to the SMS sandbox');
    expect(screen.getByTestId('telnyx-status')).toHaveTextContent('Messaging profile: mp_sandbox');
    expect(worker.requestsTo('PUT', '/v1/settings/telnyx/sandbox')).toHaveLength(1);
    // The credentials form is still there.
    expect(screen.getByLabelText('API key')).toBeInTheDocument();
  });

  it('offers neither the sandbox nor Disconnect to supervisors, and no sandbox when there is none', async () => {
    const base = settingsResponse();
    const { user } = setup({
      role: 'supervisor',
      settings: settingsResponse({ connection: { ...base.connection, telnyx: { ...base.connection.telnyx, sandboxAvailable: true } } }),
    });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    await screen.findByTestId('telnyx-status');
    expect(screen.queryByRole('button', { name: 'Use the SMS sandbox' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Disconnect Zendesk account…' })).not.toBeInTheDocument();
  });

  it('disconnects after showing what is deleted and the subdomain is typed, then offers Connect', async () => {
    const { worker, user } = setup();
    worker.route('GET', '/v1/installation', {
      status: 200,
      body: {
        installationId: 'inst_1',
        subdomain: 'acme',
        connection: 'connected',
        connectedBy: '1001',
        connectedAt: NOW,
        counts: { rules: 3, sends: 42, auditEntries: 7 },
        zendesk: { webhooks: 1, triggers: 2 },
      },
    });
    worker.route('DELETE', '/v1/installation', (r) => {
      worker.route('GET', '/v1/me', { status: 200, body: me(NOT_CONNECTED) });
      return { status: 200, body: { deleted: true, subdomain: (r.body as { confirmSubdomain: string }).confirmSubdomain } };
    });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    await user.click(await screen.findByRole('button', { name: 'Disconnect Zendesk account…' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Disconnect acme.zendesk.com?');
    const deletes = within(dialog).getByTestId('disconnect-deletes');
    expect(
      within(deletes)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      '3 rules',
      '42 SMS sends and their history',
      '7 audit entries',
      'The webhook and 2 triggers the app created in Zendesk',
      "The app's authorization to this Zendesk account (revoked)",
    ]);
    const confirm = within(dialog).getByRole('button', { name: 'Disconnect' });
    expect(confirm).toBeDisabled();
    const input = within(dialog).getByLabelText('Type acme to confirm');
    await user.type(input, 'acm');
    expect(confirm).toBeDisabled();
    await user.type(input, 'e');
    expect(confirm).toBeEnabled();
    expect(worker.requestsTo('DELETE', '/v1/installation')).toHaveLength(0);
    await user.click(confirm);

    expect(await screen.findByRole('button', { name: 'Connect Zendesk' })).toBeInTheDocument();
    expect(worker.requestsTo('DELETE', '/v1/installation')[0]?.body).toEqual({ confirmSubdomain: 'acme' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
  });

  it('keeps the modal open with the reason when the disconnect fails', async () => {
    const { worker, user } = setup();
    worker.route('GET', '/v1/installation', {
      status: 200,
      body: {
        installationId: 'inst_1',
        subdomain: 'acme',
        connection: 'connected',
        connectedBy: null,
        connectedAt: null,
        counts: { rules: 1, sends: 0, auditEntries: 1 },
        zendesk: { webhooks: 0, triggers: 0 },
      },
    });
    worker.route('DELETE', '/v1/installation', { status: 502, body: { error: { code: 'zendesk_error', message: 'Zendesk is down' } } });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    await user.click(await screen.findByRole('button', { name: 'Disconnect Zendesk account…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getAllByRole('listitem')).toHaveLength(4); // nothing in Zendesk to remove
    await user.type(within(dialog).getByLabelText('Type acme to confirm'), 'acme');
    await user.click(within(dialog).getByRole('button', { name: 'Disconnect' }));
    expect(await within(dialog).findByText('Zendesk is down')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Setup' })).toBeInTheDocument();
  });
});

const RULE_DRAFT_KEY = 'pisms:draft:nav_bar:rule';
const SETTINGS_DRAFT_KEY = 'pisms:draft:nav_bar:settings';

describe('NavBar: the session', () => {
  it('sends the bearer token of the session to the worker, same-origin', async () => {
    const { worker } = setup({ rules: twoRules() });
    await screen.findByText('Tell the agent');
    const [first] = worker.requestsTo('GET', '/v1/me');
    expect(first?.url).toBe('/v1/me');
    expect(first?.headers.authorization).toBe('Bearer tok_1');
  });

  it('refreshes an expired session and retries the call, with the editor as it was', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    worker.route('POST', '/v1/preview', {
      status: 200,
      body: {
        matched: true,
        reason: null,
        text: 'Thanks for contacting us!',
        segments: { encoding: 'GSM-7', segments: 1, characters: 25 },
        recipients: [],
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    const form = await screen.findByRole('form', { name: 'Edit rule: Thank the customer' });
    const label = within(form).getByLabelText('Label');
    await user.clear(label);
    await user.type(label, 'Thanks, edited');
    await user.type(within(form).getByLabelText('Ticket id'), '4321');
    worker.expireSession();
    await user.click(within(form).getByRole('button', { name: 'Preview' }));

    expect(await screen.findByTestId('preview-text')).toHaveTextContent('Thanks for contacting us!');
    expect(worker.requestsTo('POST', '/v1/preview').map((r) => r.token)).toEqual(['tok_1', 'tok_2']);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
    expect(worker.requestsTo('POST', '/v1/session/refresh')[0]?.body).toEqual({ refreshToken: 'ref_1' });
    expect(label).toHaveValue('Thanks, edited');
    expect(screen.queryByText(/Your session has ended/)).not.toBeInTheDocument();

    // Later calls use the new token straight away.
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    expect(await screen.findByText('Thanks, edited')).toBeInTheDocument();
    expect(worker.requestsTo('PUT', '/v1/rules/r1').map((r) => r.token)).toEqual(['tok_2']);
  });

  it('keeps the rule being typed when the session ends, and opens it again on the next load', async () => {
    const first = setup();
    let form = await openNewRule(first.user);
    await first.user.type(within(form).getByLabelText('Label'), 'Half-done rule');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: '+14155550199' })).toHaveLength(1));
    await first.user.selectOptions(within(form).getByLabelText('Sender number'), '+14155550199');
    await first.user.type(within(form).getByLabelText('Custom text'), 'Almost there');
    first.worker.expireSession();
    first.worker.refuseRefresh();
    await first.user.click(within(form).getByRole('button', { name: 'Create rule' }));

    const ended = await screen.findByText('Your session has ended. Your unsaved changes are kept; reload the app to continue.');
    expect(ended.closest('[role="alert"]')).toHaveTextContent('Reload all apps');
    expect(within(form).getByLabelText('Label')).toHaveValue('Half-done rule');
    expect(sessionStorage.getItem(RULE_DRAFT_KEY)).toContain('Half-done rule');
    expect(first.worker.requestsTo('POST', '/v1/rules')).toHaveLength(1);
    // Typing on after the end is kept too.
    await first.user.type(within(form).getByLabelText('Custom text'), '!');
    expect(sessionStorage.getItem(RULE_DRAFT_KEY)).toContain('Almost there!');
    first.unmount();

    // A fresh signed load of the app: a new page with a new session.
    const second = setup();
    form = await screen.findByRole('form', { name: 'New rule' });
    expect(within(form).getByText('Restored your unsaved changes.')).toBeInTheDocument();
    expect(within(form).getByLabelText('Label')).toHaveValue('Half-done rule');
    expect(within(form).getByLabelText('Custom text')).toHaveValue('Almost there!');
    await waitFor(() => expect(within(form).getByLabelText('Sender number')).toHaveValue('+14155550199'));
    expect(sessionStorage.getItem(RULE_DRAFT_KEY)).not.toBeNull(); // until saved or discarded
    await second.user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(await screen.findByText('Half-done rule')).toBeInTheDocument();
    expect(second.worker.requestsTo('POST', '/v1/rules')[0]?.body).toMatchObject({ label: 'Half-done rule', senderNumber: '+14155550199' });
    expect(sessionStorage.getItem(RULE_DRAFT_KEY)).toBeNull();
  });

  it('keeps the settings form when the session ends; after the reload Discard throws it away', async () => {
    const first = setup();
    await first.user.click(await screen.findByRole('tab', { name: 'Setup' }));
    const maxParts = await screen.findByLabelText('Maximum SMS parts per message');
    await first.user.clear(maxParts);
    await first.user.type(maxParts, '7');
    first.worker.expireSession();
    first.worker.refuseRefresh();
    await first.user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText(/Your unsaved changes are kept/)).toBeInTheDocument();
    expect(sessionStorage.getItem(SETTINGS_DRAFT_KEY)).not.toBeNull();
    first.unmount();

    const second = setup();
    expect(await screen.findByRole('tab', { name: 'Setup', selected: true })).toBeInTheDocument();
    expect(await screen.findByLabelText('Maximum SMS parts per message')).toHaveValue(7);
    expect(screen.getByText('Restored your unsaved changes.')).toBeInTheDocument();
    await second.user.click(screen.getByRole('button', { name: 'Discard them' }));
    expect(screen.getByLabelText('Maximum SMS parts per message')).toHaveValue(settingsResponse().settings.maxParts);
    expect(screen.queryByText('Restored your unsaved changes.')).not.toBeInTheDocument();
    expect(sessionStorage.getItem(SETTINGS_DRAFT_KEY)).toBeNull();
  });

  it('says the session ended without claiming anything was kept when nothing was typed', async () => {
    const { worker, user } = setup({ rules: twoRules() });
    await screen.findByText('Tell the agent');
    worker.expireSession();
    worker.refuseRefresh();
    await user.click(screen.getByRole('button', { name: 'Duplicate Thank the customer' }));
    expect(await screen.findByText('Your session has ended; reload the app to continue.')).toBeInTheDocument();
    expect(sessionStorage.length).toBe(0);
  });

  it("never restores another user's draft", async () => {
    sessionStorage.setItem(
      RULE_DRAFT_KEY,
      JSON.stringify({ owner: 'acme:999', savedAt: Date.now(), value: { ruleId: null, draft: { label: 'Not yours' } } }),
    );
    setup({ rules: twoRules() });
    expect(await screen.findByText('Tell the agent')).toBeInTheDocument();
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
    expect(sessionStorage.getItem(RULE_DRAFT_KEY)).toBeNull();
  });
});

describe('NavBar: rule editor, placeholders, languages and timing', () => {
  /** Placeholders are pasted: user-event reads "{" as the start of a key name when typing. */
  async function paste(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
    await user.click(field);
    await user.paste(text);
  }

  async function fillBasics(user: ReturnType<typeof userEvent.setup>, form: HTMLElement) {
    await user.type(within(form).getByLabelText('Label'), 'Follow-up');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: '+14155550100' })).toHaveLength(1));
    await user.selectOptions(within(form).getByLabelText('Sender number'), '+14155550100');
  }

  it('counts the worst case with each placeholder at its maximum length, and names unknown placeholders', async () => {
    const { worker, user } = setup();
    const form = await openNewRule(user);
    await fillBasics(user, form);
    const text = 'Hi {{ticket.requester.first_name}}, #{{ticket.id}}';
    await paste(user, within(form).getByLabelText('Custom text'), text);
    const counter = within(form).getAllByTestId('message-counter')[0] as HTMLElement;
    // "Hi " + first name (20) + ", #" + ticket id (12) = 38 characters at most.
    expect(counter).toHaveTextContent(`${text.length} / 500 characters · up to 38 with placeholders · GSM-7 · 1 segment · 122 left in this segment`);
    expect(counter).toHaveTextContent('Placeholders are counted at their longest');
    // The list of placeholders documents each maximum.
    expect(within(form).getByTestId('placeholder-list')).toHaveTextContent('ticket.requester.first_name: The requester\'s first name, at most 20 characters');

    await paste(user, within(form).getByLabelText('Custom text'), ' {{ticket.nope}}');
    expect(within(counter).getByRole('alert')).toHaveTextContent('{{ticket.nope}}: Unknown placeholder ticket.nope');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(within(form).getByLabelText('Custom text')).toHaveAccessibleDescription(expect.stringContaining('Unknown placeholder ticket.nope'));
    expect(worker.requestsTo('POST', '/v1/rules')).toHaveLength(0);
  });

  it('edits the text per language side by side, each with its own counter, and saves them', async () => {
    const { worker, user } = setup();
    const form = await openNewRule(user);
    await fillBasics(user, form);
    await paste(user, within(form).getByLabelText('Custom text'), 'Thanks {{ticket.requester.first_name | default: "there"}}!');
    await user.click(within(form).getByRole('button', { name: 'Add a language' }));
    await user.type(within(form).getByLabelText('Language 1 (Zendesk locale, e.g. de, fr, en-US)'), 'de');
    await paste(user, within(form).getByLabelText('Text in language 1'), 'Danke {{ticket.requester.first_name}}!');
    await user.click(within(form).getByRole('button', { name: 'Add a language' }));
    await user.type(within(form).getByLabelText('Language 2 (Zendesk locale, e.g. de, fr, en-US)'), 'fr');
    await paste(user, within(form).getByLabelText('Text in language 2'), 'Merci !');

    // Side by side: the default text and both languages in one row, three counters.
    const row = within(form).getByTestId('rule-texts');
    expect(within(row).getAllByRole('textbox').filter((el) => el.tagName === 'TEXTAREA')).toHaveLength(3);
    expect(within(row).getAllByTestId('message-counter')).toHaveLength(3);
    expect(within(within(form).getByTestId('language-0')).getByTestId('message-counter')).toHaveTextContent('up to 27 with placeholders');

    await user.click(within(form).getByRole('button', { name: 'Remove language 2' }));
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    await screen.findByText('Follow-up');
    expect(worker.requestsTo('POST', '/v1/rules')[0]?.body).toMatchObject({
      content: {
        customText: 'Thanks {{ticket.requester.first_name | default: "there"}}!',
        translations: [{ locale: 'de', customText: 'Danke {{ticket.requester.first_name}}!' }],
      },
    });
  });

  it('shows a saved rule\'s languages and puts a language error on its input', async () => {
    const { worker, user } = setup({
      rules: [rule({ content: { ...rule().content, translations: [{ locale: 'fr', customText: 'Merci !' }] } })],
    });
    worker.route('PUT', '/v1/rules/r1', {
      status: 422,
      body: {
        error: {
          code: 'validation_failed',
          message: 'The rule has problems',
          fields: [{ field: 'content.translations.0.customText', reason: '{{ticket.x}}: Unknown placeholder ticket.x' }],
        },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Thank the customer' }));
    const form = await screen.findByRole('form', { name: 'Edit rule: Thank the customer' });
    expect(within(form).getByLabelText('Language 1 (Zendesk locale, e.g. de, fr, en-US)')).toHaveValue('fr');
    expect(within(form).getByLabelText('Text in language 1')).toHaveValue('Merci !');
    await user.click(within(form).getByRole('button', { name: 'Save rule' }));
    expect(await within(form).findByLabelText('Text in language 1')).toHaveAccessibleDescription(
      expect.stringContaining('Unknown placeholder ticket.x'),
    );
  });

  it('sends N minutes after the interaction ends, at most 7 days', async () => {
    const { worker, user } = setup();
    const form = await openNewRule(user);
    await fillBasics(user, form);
    await user.type(within(form).getByLabelText('Custom text'), 'How did we do?');
    const delay = within(form).getByLabelText('Send this many minutes after the interaction ends');
    expect(delay).toHaveValue(0);
    await user.clear(delay);
    await user.type(delay, '20000');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(delay).toHaveAccessibleDescription(expect.stringContaining('At most 7 days (10080 minutes)'));
    expect(worker.requestsTo('POST', '/v1/rules')).toHaveLength(0);

    await user.clear(delay);
    await user.type(delay, '90');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    await screen.findByText('Follow-up');
    expect(worker.requestsTo('POST', '/v1/rules')[0]?.body).toMatchObject({ sendDelayMinutes: 90 });
  });
});
