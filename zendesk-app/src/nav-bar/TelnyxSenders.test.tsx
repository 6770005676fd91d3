// Senders in the admin screen: Setup lists the messaging profile's senders with whether each can
// text US recipients (as GET /v1/telnyx/numbers says: 10DLC campaign, toll-free verification,
// alphanumeric sender IDs), the rule editor offers alphanumeric sender IDs and says when the
// chosen sender cannot reach US numbers, and a save the worker answers with warnings shows them
// before going back to the rules. The worker is the fake worker's fetch, Zendesk the stand-in ZAF client.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleInput } from '../../../shared/schemas/rule.ts';
import type { TelnyxSenders } from '../../../shared/schemas/telnyx.ts';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { me, rule, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';

const SENDERS: TelnyxSenders = {
  messagingProfileId: 'mp_123',
  numbers: [
    {
      phoneNumber: '+14155550100',
      type: 'long_code',
      countryCode: 'US',
      us: { status: 'ready', reason: 'ten_dlc_assigned', detail: 'CABC123' },
    },
    {
      phoneNumber: '+14155550199',
      type: 'long_code',
      countryCode: 'US',
      us: { status: 'not_ready', reason: 'no_ten_dlc_campaign', detail: null },
    },
    {
      phoneNumber: '+18885550100',
      type: 'toll_free',
      countryCode: 'US',
      us: { status: 'pending', reason: 'toll_free_pending', detail: null },
    },
  ],
  alphanumericSenders: [{ senderId: 'AcmeHelp', us: { status: 'not_ready', reason: 'alphanumeric_sender', detail: null } }],
};

function setup(options: { senders?: TelnyxSenders | { status: number; body: unknown }; ruleAnswer?: (input: RuleInput) => unknown } = {}) {
  const client = createFakeZafClient({
    context: { location: 'nav_bar' },
    data: { currentUser: { id: 1001, name: 'Ada Admin', role: 'admin', locale: 'en' } },
  });
  const worker = createFakeWorker({ location: 'nav_bar' });
  worker.route('GET', '/v1/me', { status: 200, body: me() });
  worker.route('GET', '/v1/settings', { status: 200, body: settingsResponse() });
  const senders = options.senders ?? SENDERS;
  worker.route('GET', '/v1/telnyx/numbers', 'status' in senders ? senders : { status: 200, body: senders });
  worker.route('GET', '/v1/rules', { status: 200, body: { rules: [] } });
  worker.route('POST', '/v1/rules', (r) => {
    const input = r.body as RuleInput;
    const saved = rule({ id: 'r9', label: input.label, senderNumber: input.senderNumber });
    return { status: 201, body: options.ruleAnswer ? options.ruleAnswer(input) : { ...saved, warnings: [] } };
  });
  client.route('GET', '/api/v2/groups.json', { status: 200, body: { groups: [{ id: 11, name: 'Support' }], next_page: null } });
  client.route('GET', '/api/v2/ticket_fields.json', { status: 200, body: { ticket_fields: [], next_page: null } });
  const user = userEvent.setup();
  render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <NavBar connectPollIntervalMs={20} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { worker, user };
}

afterEach(() => {
  sessionStorage.clear();
});

async function openNewRule(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'New rule' }));
  return screen.findByRole('form', { name: 'New rule' });
}

describe('Setup: senders and US recipients', () => {
  it('lists each sender with its type and whether it can text US recipients, with the reason', async () => {
    const { user } = setup();
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    const table = await screen.findByRole('table', { name: 'Senders of the messaging profile' });
    const row = (sender: string) => within(table).getByTestId(`sender-${sender}`);
    expect(row('+14155550100')).toHaveTextContent('Long code');
    expect(row('+14155550100')).toHaveTextContent('Ready');
    expect(row('+14155550100')).toHaveTextContent('Assigned to a 10DLC campaign. (CABC123)');
    expect(row('+14155550199')).toHaveTextContent('Cannot text US numbers');
    expect(row('+14155550199')).toHaveTextContent('Not assigned to a 10DLC campaign');
    expect(row('+18885550100')).toHaveTextContent('Toll-free');
    expect(row('+18885550100')).toHaveTextContent('Pending');
    expect(row('+18885550100')).toHaveTextContent('Toll-free verification in progress.');
    expect(row('AcmeHelp')).toHaveTextContent('Alphanumeric sender ID');
    expect(row('AcmeHelp')).toHaveTextContent('cannot text the US, Canada or Puerto Rico');
  });

  it('says when the senders could not be checked, and checks again on Try again', async () => {
    const { worker, user } = setup({
      senders: { status: 503, body: { error: { code: 'upstream_unavailable', message: 'Telnyx did not answer as expected; try again' } } },
    });
    await user.click(await screen.findByRole('tab', { name: 'Setup' }));
    const section = await screen.findByRole('region', { name: 'Senders and US recipients' });
    expect(await within(section).findByRole('alert')).toHaveTextContent('The senders could not be checked');
    worker.route('GET', '/v1/telnyx/numbers', { status: 200, body: SENDERS });
    await user.click(within(section).getByRole('button', { name: 'Try again' }));
    expect(await within(section).findByRole('table')).toBeInTheDocument();
  });
});

describe('rule editor: senders', () => {
  it('offers alphanumeric sender IDs and says when the chosen sender cannot text US numbers', async () => {
    const { user } = setup();
    const form = await openNewRule(user);
    const picker = within(form).getByLabelText('Sender number');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: 'AcmeHelp' })).toHaveLength(1));
    await user.selectOptions(picker, '+14155550100');
    expect(within(form).queryByTestId('sender-us-warning')).not.toBeInTheDocument();
    await user.selectOptions(picker, '+14155550199');
    expect(within(form).getByTestId('sender-us-warning')).toHaveTextContent(
      'US recipients: Cannot text US numbers. Not assigned to a 10DLC campaign',
    );
    await user.selectOptions(picker, 'AcmeHelp');
    expect(within(form).getByTestId('sender-us-warning')).toHaveTextContent('cannot text the US, Canada or Puerto Rico');
  });

  it("shows the worker's warnings after a save, and goes back to the rules when asked", async () => {
    const message =
      '+14155550199 cannot text US recipients yet: it is not assigned to a 10DLC campaign. Messages to US numbers may be blocked.';
    const { worker, user } = setup({
      ruleAnswer: (input) => ({
        ...rule({ id: 'r9', label: input.label, senderNumber: input.senderNumber }),
        warnings: [{ field: 'senderNumber', code: 'sender_not_us_ready', message }],
      }),
    });
    const form = await openNewRule(user);
    await user.type(within(form).getByLabelText('Label'), 'Follow-up');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: '+14155550199' })).toHaveLength(1));
    await user.selectOptions(within(form).getByLabelText('Sender number'), '+14155550199');
    await user.type(within(form).getByLabelText('Custom text'), 'Thanks!');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));

    const warning = await within(form).findByRole('alert');
    expect(warning).toHaveTextContent('The rule was saved, with a warning');
    expect(warning).toHaveTextContent(message);
    // Saved once; pressing Create again cannot save a second copy.
    expect(within(form).getByRole('button', { name: 'Create rule' })).toBeDisabled();
    expect(worker.requestsTo('POST', '/v1/rules')).toHaveLength(1);
    await user.click(within(warning).getByRole('button', { name: 'Back to the rules' }));
    expect(await screen.findByText('Follow-up')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'New rule' })).not.toBeInTheDocument();
  });

  it('goes straight back to the rules when the worker has no warning', async () => {
    const { user } = setup();
    const form = await openNewRule(user);
    await user.type(within(form).getByLabelText('Label'), 'Ready sender');
    await waitFor(() => expect(within(form).getAllByRole('option', { name: '+14155550100' })).toHaveLength(1));
    await user.selectOptions(within(form).getByLabelText('Sender number'), '+14155550100');
    await user.type(within(form).getByLabelText('Custom text'), 'Thanks!');
    await user.click(within(form).getByRole('button', { name: 'Create rule' }));
    expect(await screen.findByText('Ready sender')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'New rule' })).not.toBeInTheDocument();
  });
});
