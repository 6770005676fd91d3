// The Setup tab's checklist shows the Zendesk side as Zendesk has it (issue 11): whether the
// webhook and each trigger Setup made exist and are active, read with GET /v1/setup/zendesk;
// pressing "Create Zendesk webhook and triggers" again says what it kept and repaired and shows
// the health it read back. The worker is the fake worker, Zendesk's frame the stand-in ZAF client.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZendeskSetupHealth } from '../../../shared/schemas/api.ts';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker, type FakeWorkerResponse } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { me, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';

const webhook = { id: 'wh_1', exists: true, active: true, endpointMatches: true, signingSecretKnown: true };
const trigger = (kind: 'ticket_solved' | 'conversation_ended', over: Partial<ZendeskSetupHealth['triggers'][number]> = {}) => ({
  kind,
  title: kind,
  id: kind === 'ticket_solved' ? 't1' : 't2',
  exists: true,
  active: true,
  upToDate: true,
  ...over,
});
const healthy: ZendeskSetupHealth = {
  configured: true,
  ok: true,
  webhook,
  triggers: [trigger('ticket_solved'), trigger('conversation_ended')],
  conversationEndedAvailable: true,
};

function setup(readHealth: FakeWorkerResponse | (() => FakeWorkerResponse)) {
  const client = createFakeZafClient({
    context: { location: 'nav_bar' },
    data: { currentUser: { id: 1001, name: 'Ada Admin', role: 'admin', locale: 'en' } },
  });
  client.route('GET', '/api/v2/groups.json', { status: 200, body: { groups: [], next_page: null } });
  client.route('GET', '/api/v2/ticket_fields.json', { status: 200, body: { ticket_fields: [], next_page: null } });
  const worker = createFakeWorker({ location: 'nav_bar' });
  worker.route('GET', '/v1/me', { status: 200, body: me() });
  worker.route('GET', '/v1/settings', { status: 200, body: settingsResponse() });
  worker.route('GET', '/v1/rules', { status: 200, body: { rules: [] } });
  worker.route('GET', '/v1/telnyx/numbers', { status: 200, body: { messagingProfileId: 'mp_1', numbers: [], alphanumericSenders: [] } });
  worker.route('GET', '/v1/setup/zendesk', readHealth);
  render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <NavBar connectPollIntervalMs={20} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { worker, user: userEvent.setup() };
}

async function openChecklist(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('tab', { name: 'Setup' }));
  return screen.findByRole('region', { name: 'Zendesk webhook and triggers' });
}

afterEach(() => {
  sessionStorage.clear();
});

describe('Setup checklist: the Zendesk webhook and triggers', () => {
  it('shows each as done when Zendesk has them active', async () => {
    const { user } = setup({ status: 200, body: healthy });
    const region = await openChecklist(user);
    expect(await within(region).findByTestId('zendesk-webhook-health')).toHaveAttribute('data-met', 'true');
    expect(within(region).getByTestId('zendesk-trigger-health-ticket_solved')).toHaveAttribute('data-met', 'true');
    expect(within(region).getByTestId('zendesk-trigger-health-conversation_ended')).toHaveTextContent('chat or messaging conversation ended');
  });

  it('shows a deactivated trigger and a changed one as missing; pressing the button again repairs them', async () => {
    const broken = { ...healthy, ok: false, triggers: [trigger('ticket_solved', { active: false }), trigger('conversation_ended', { upToDate: false })] };
    const { worker, user } = setup({ status: 200, body: broken });
    const region = await openChecklist(user);
    expect(await within(region).findByTestId('zendesk-trigger-health-ticket_solved')).toHaveAttribute('data-met', 'false');
    expect(within(region).getByTestId('zendesk-trigger-health-conversation_ended')).toHaveTextContent('press the button again to repair');
    worker.route('POST', '/v1/setup/zendesk', {
      status: 200,
      body: { webhookId: 'wh_1', triggerIds: ['t1', 't2'], changes: { webhookCreated: false, triggersCreated: 0, triggersRepaired: 2, triggersRemoved: 0 }, health: healthy },
    });
    await user.click(screen.getByRole('button', { name: 'Create Zendesk webhook and triggers' }));
    expect(await screen.findByText('Kept the webhook wh_1: 0 trigger(s) created, 2 repaired, 0 removed.')).toBeInTheDocument();
    expect(within(region).getByTestId('zendesk-trigger-health-ticket_solved')).toHaveAttribute('data-met', 'true');
    expect(within(region).getByTestId('zendesk-trigger-health-conversation_ended')).toHaveAttribute('data-met', 'true');
  });

  it('says when Setup has not run', async () => {
    const first = setup({ status: 200, body: { configured: false, ok: false, webhook: null, triggers: [], conversationEndedAvailable: false } });
    expect(await within(await openChecklist(first.user)).findByText(/Not set up yet/)).toBeInTheDocument();
  });

  it('says when the account offers no messaging session condition', async () => {
    const { user } = setup({ status: 200, body: { ...healthy, triggers: [trigger('ticket_solved')], conversationEndedAvailable: false } });
    const region = await openChecklist(user);
    expect(await within(region).findByText(/only solved tickets send SMS/)).toBeInTheDocument();
    expect(within(region).queryByTestId('zendesk-trigger-health-conversation_ended')).toBeNull();
  });

  it('says when Zendesk cannot be read', async () => {
    const { user } = setup({ status: 503, body: { error: { code: 'upstream_unavailable', message: 'Zendesk did not answer' } } });
    expect(await within(await openChecklist(user)).findByRole('alert')).toHaveTextContent('Could not read the webhook and triggers from Zendesk.');
  });
});
