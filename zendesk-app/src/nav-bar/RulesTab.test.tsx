// The rules screen with Zendesk lists longer than one page (issue 11): the ZAF client answers
// groups and ticket fields as Zendesk does, cursor-paged at 100 (page[size], meta.has_more,
// links.next), and the rule editor offers every group and field; a rule whose field was deleted
// in Zendesk shows a warning tag in the list.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rule } from '../../../shared/schemas/rule.ts';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker } from '../test/fake-worker.ts';
import { createFakeZafClient, type FakeRequest, type FakeResponse } from '../test/fake-zaf-client.ts';
import { me, rule, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';

/**
 * Zendesk's cursor pagination for one list: page[size] (at most 100), page[after], and
 * `meta.has_more` / absolute `links.next` (https://developer.zendesk.com/api-reference/introduction/pagination/).
 * Without page[size] it answers the first 100 only, as offset pagination's first page would.
 */
function cursorPaged(path: string, key: string, items: unknown[]) {
  return (request: FakeRequest): FakeResponse => {
    const query = new URLSearchParams(request.query);
    const size = Math.min(100, Number(query.get('page[size]') ?? 100) || 100);
    const start = Number(query.get('page[after]') ?? 0);
    const page = items.slice(start, start + size);
    const hasMore = start + size < items.length;
    const next = `https://acme.zendesk.com${path}?page[size]=${size}&page[after]=${start + size}`;
    if (query.get('page[size]') === null) return { status: 200, body: { [key]: page, next_page: null } };
    return { status: 200, body: { [key]: page, meta: { has_more: hasMore }, links: { next: hasMore ? next : null } } };
  };
}

const groups = Array.from({ length: 120 }, (_, i) => ({ id: 1000 + i, name: `Queue ${String(i + 1).padStart(3, '0')}` }));
const fields = [
  { id: 1, title: 'Subject', type: 'subject', active: true, removable: false },
  ...Array.from({ length: 120 }, (_, i) => ({
    id: 360_000 + i,
    title: `Field ${String(i + 1).padStart(3, '0')}`,
    type: 'text',
    active: true,
    removable: true,
  })),
];

/** GET /v1/rules as the worker pages it (http/rules-api.ts): ?limit= (at most 500), ?cursor=. */
function pagedRules(rules: Rule[]) {
  return (request: FakeRequest | { query: string }) => {
    const query = new URLSearchParams(request.query);
    const limit = Math.min(500, Number(query.get('limit') ?? 100));
    const start = Number(query.get('cursor') ?? 0);
    const page = rules.slice(start, start + limit);
    const next = start + limit < rules.length ? String(start + limit) : null;
    return { status: 200, body: { rules: page, nextCursor: next, total: rules.length } };
  };
}

function setup(rules: Rule[] = []) {
  const client = createFakeZafClient({
    context: { location: 'nav_bar' },
    data: { currentUser: { id: 1001, name: 'Ada Admin', role: 'admin', locale: 'en' } },
  });
  client.route('GET', '/api/v2/groups.json', cursorPaged('/api/v2/groups.json', 'groups', groups));
  client.route('GET', '/api/v2/ticket_fields.json', cursorPaged('/api/v2/ticket_fields.json', 'ticket_fields', fields));
  const worker = createFakeWorker({ location: 'nav_bar' });
  worker.route('GET', '/v1/me', { status: 200, body: me() });
  worker.route('GET', '/v1/settings', { status: 200, body: settingsResponse() });
  worker.route('GET', '/v1/telnyx/numbers', {
    status: 200,
    body: {
      messagingProfileId: 'mp_123',
      numbers: [
        {
          phoneNumber: '+14155550100',
          type: 'long_code',
          countryCode: 'US',
          us: { status: 'ready', reason: 'ten_dlc_assigned', detail: null },
        },
      ],
      alphanumericSenders: [],
    },
  });
  worker.route('GET', '/v1/rules', pagedRules(rules));
  worker.route('POST', '/v1/rules', (r) => ({ status: 201, body: rule({ id: 'r9', label: (r.body as { label: string }).label }) }));
  render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <NavBar connectPollIntervalMs={20} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { client, worker };
}

afterEach(() => {
  sessionStorage.clear();
});

describe('rule editor with more than 100 groups and ticket fields', () => {
  // fireEvent rather than userEvent, label and text queries rather than roles: with 120 group
  // checkboxes and 120 field options each re-render and role query takes a second or more in jsdom.
  it('offers groups and fields from every page and saves a group from the second page', async () => {
    const { client, worker } = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'New rule' }));
    const form = await screen.findByRole('form', { name: 'New rule' });
    // Queue 120 is on the second page of groups.
    const last = await within(form).findByLabelText('Queue 120');
    expect(last).toHaveAttribute('type', 'checkbox');
    expect(within(form).getAllByText(/^Queue \d{3}$/)).toHaveLength(120);
    const groupCalls = client.requestsTo('GET', '/api/v2/groups.json');
    expect(groupCalls.map((c) => new URLSearchParams(c.query).get('page[after]'))).toEqual([null, '100']);

    // Field 120 (the second page of ticket fields) is a data field choice.
    fireEvent.click(within(form).getByRole('button', { name: 'Add a field' }));
    const dataField = within(form).getByLabelText('Data field 1');
    await waitFor(() => expect(dataField.querySelector('option[value="360119"]')).toHaveTextContent('Field 120'));
    expect(client.requestsTo('GET', '/api/v2/ticket_fields.json')).toHaveLength(2);

    fireEvent.change(within(form).getByLabelText('Label'), { target: { value: 'Escalations' } });
    const sender = within(form).getByLabelText('Sender number');
    await waitFor(() => expect(sender.querySelector('option[value="+14155550100"]')).not.toBeNull());
    fireEvent.change(sender, { target: { value: '+14155550100' } });
    fireEvent.change(dataField, { target: { value: '360119' } });
    fireEvent.click(last);
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }));
    await waitFor(() => expect(worker.requestsTo('POST', '/v1/rules')).toHaveLength(1));
    const body = worker.requestsTo('POST', '/v1/rules')[0]?.body as {
      conditions: { groupIds: string[] };
      content: { dataFields: unknown[] };
    };
    expect(body.conditions.groupIds).toEqual(['1119']);
    expect(body.content.dataFields).toEqual([{ field: '360119' }]);
  }, 60_000);
});

describe('rules list', () => {
  it('tags a rule whose fields Zendesk no longer has', async () => {
    setup([
      rule({ id: 'r1', position: 0, label: 'Order follow-up', brokenFields: ['360001002'] }),
      rule({ id: 'r2', position: 1, label: 'Plain', brokenFields: [] }),
      rule({ id: 'r3', position: 2, label: 'Unchecked' }),
    ]);
    const tag = await screen.findByTestId('rule-broken-r1');
    expect(tag).toHaveTextContent('Field missing in Zendesk: 360001002');
    expect(tag).toHaveAttribute('title', expect.stringContaining('Deleted or made inactive in Zendesk'));
    const row = screen.getByTestId('rule-row-r1');
    expect(within(row).getByText('Order follow-up')).toBeInTheDocument();
    expect(screen.queryByTestId('rule-broken-r2')).not.toBeInTheDocument();
    expect(screen.queryByTestId('rule-broken-r3')).not.toBeInTheDocument();
  });

  it('shows the missing field in the editor instead of an empty choice', async () => {
    setup([
      rule({
        id: 'r1',
        label: 'Order follow-up',
        content: {
          customText: 'Thanks',
          includeSummary: false,
          skipIfNoSummary: false,
          dataFields: [{ field: '360001002' }, { field: '360005' }],
          translations: [],
        },
        brokenFields: ['360001002'],
      }),
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Order follow-up' }));
    const form = await screen.findByRole('form', { name: /Order follow-up/ });
    const first = within(form).getByLabelText('Data field 1') as HTMLSelectElement;
    await waitFor(() => expect(first.selectedOptions[0]).toHaveTextContent('Missing in Zendesk (360001002): pick another field'));
    const second = within(form).getByLabelText('Data field 2') as HTMLSelectElement;
    expect(second.selectedOptions[0]).toHaveTextContent('Field 006');
  }, 60_000);
});

describe('10,000 rules', () => {
  it('reads every page of the list and shows 50 rows at a time; moving a rule crosses the page edge', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => rule({ id: `r${i}`, position: i, label: `Rule ${i + 1}` }));
    const { worker } = setup(many);
    expect(await screen.findByText('Rules 1–50 of 10,000')).toBeInTheDocument();
    const reads = worker.requestsTo('GET', '/v1/rules');
    expect(reads).toHaveLength(20);
    expect(reads.map((r) => new URLSearchParams(r.query).get('limit'))).toEqual(Array(20).fill('500'));
    expect(screen.getByRole('table', { name: 'Rules in evaluation order' }).querySelectorAll('tbody tr')).toHaveLength(50);
    expect(screen.getByTestId('rule-row-r49')).toBeInTheDocument();
    expect(screen.queryByTestId('rule-row-r50')).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Next rules' }));
    expect(await screen.findByText('Rules 51–100 of 10,000')).toBeInTheDocument();
    expect(screen.getByTestId('rule-row-r50')).toBeInTheDocument();

    // The first rule of page 2 moves up onto page 1: the list follows it; every id is sent.
    worker.route('PUT', '/v1/rules/order', { status: 200, body: { rules: [], nextCursor: null, total: 10_000 } });
    fireEvent.click(screen.getByRole('button', { name: 'Move Rule 51 up' }));
    expect(await screen.findByText('Rules 1–50 of 10,000')).toBeInTheDocument();
    const order = worker.requestsTo('PUT', '/v1/rules/order')[0]?.body as { ruleIds: string[] };
    expect(order.ruleIds).toHaveLength(10_000);
    expect(order.ruleIds.slice(48, 52)).toEqual(['r48', 'r50', 'r49', 'r51']);
    const rows = screen.getByRole('table', { name: 'Rules in evaluation order' }).querySelectorAll('tbody tr');
    expect(rows[49]).toHaveAttribute('data-testid', 'rule-row-r50');
  }, 60_000);
});
