// The Needs attention tab as an admin uses it: what waits for Zendesk (with the next try in the
// agent's time), failed interactions and SMS with their reasons; Retry asks the worker for a dry
// run first and shows how many SMS would go out; unknown outcomes only with the box ticked; the
// real retry only on "Retry now".
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { me, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';
import { formatNextTry } from '../lib/waiting.ts';

const NEXT_TRY = new Date(Date.now() + 5 * 60_000);

const attention = {
  interactions: [
    { id: 'ix_1', ticketId: '5003', event: 'ticket_solved', receivedAt: '2026-12-01T09:00:00.000Z', failedAt: '2026-12-01T09:30:00.000Z', detail: 'The work queue gave up after its retries (dead-letter queue)' },
  ],
  sends: [
    { id: 'snd_rej', interactionId: 'ix_0', ticketId: '5001', ruleLabel: 'Thank the customer', recipientKind: 'customer', recipientMasked: '+1 *** *** 0201', reason: 'telnyx_rejected', detail: 'Invalid to address', failedAt: '2026-12-01T09:10:00.000Z', retryable: true, mayDuplicate: false },
    { id: 'snd_unk', interactionId: 'ix_2', ticketId: '5002', ruleLabel: 'Thank the customer', recipientKind: 'assigned_agent', recipientMasked: '+1 *** *** 0102', reason: 'outcome_unknown', detail: 'Telnyx did not answer in time', failedAt: '2026-12-01T09:20:00.000Z', retryable: false, mayDuplicate: true },
  ],
  waiting: [{ kind: 'interaction', id: 'ix_w', ticketId: '5004', waitingFor: 'zendesk', nextTryAt: NEXT_TRY.toISOString(), since: '2026-12-01T09:00:00.000Z', detail: 'Zendesk answered 503' }],
  truncated: false,
};

function setup() {
  const client = createFakeZafClient({ context: { location: 'nav_bar' }, data: { currentUser: { id: 1001, name: 'Ada Admin', role: 'admin', locale: 'en' } } });
  const worker = createFakeWorker({ location: 'nav_bar' });
  worker.route('GET', '/v1/me', { status: 200, body: me() });
  worker.route('GET', '/v1/settings', { status: 200, body: settingsResponse() });
  worker.route('GET', '/v1/rules', { status: 200, body: { rules: [] } });
  worker.route('GET', '/v1/attention', { status: 200, body: attention });
  worker.route('POST', '/v1/attention/retry', (r) => {
    const b = r.body as { sendIds: string[]; interactionIds: string[]; includeUnknown: boolean; dryRun: boolean };
    const unknown = b.sendIds.includes('snd_unk') ? 1 : 0;
    const sms = b.sendIds.filter((id) => id === 'snd_rej').length + (b.includeUnknown ? unknown : 0);
    return {
      status: 200,
      body: { dryRun: b.dryRun, interactions: b.interactionIds.length, sms, unknownSms: b.includeUnknown ? unknown : 0, unknownNeedConfirmation: b.includeUnknown ? 0 : unknown, notEligible: 0 },
    };
  });
  render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <NavBar connectPollIntervalMs={20} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { worker };
}

afterEach(() => sessionStorage.clear());

describe('Needs attention tab', () => {
  it('lists waiting and failed work with reasons, counts before retrying, and resends unknowns only when ticked', async () => {
    const { worker } = setup();
    fireEvent.click(await screen.findByRole('tab', { name: 'Needs attention' }));
    // The date is added when the next try is not today (near midnight): formatNextTry decides.
    const time = formatNextTry(NEXT_TRY.toISOString());
    expect(await screen.findByText(`Ticket 5004: Waiting for Zendesk, next try at ${time}`)).toBeTruthy();
    expect(screen.getByText('The work queue gave up after its retries (dead-letter queue)')).toBeTruthy();
    expect(screen.getByText('Rejected by Telnyx')).toBeTruthy();
    expect(within(screen.getByTestId('attention-snd_unk')).getByText(/may have reached the person/)).toBeTruthy();

    fireEvent.click(screen.getByLabelText('Ticket 5001: Thank the customer to +1 *** *** 0201 (customer)'));
    fireEvent.click(screen.getByLabelText('Ticket 5002: Thank the customer to +1 *** *** 0102 (assigned agent)'));
    fireEvent.click(screen.getByLabelText('Ticket 5003'));
    fireEvent.click(screen.getByRole('button', { name: 'Retry selected…' }));
    const dialog = await screen.findByRole('alertdialog');
    // A dry run first: nothing is sent yet.
    expect(worker.requestsTo('POST', '/v1/attention/retry').map((r) => (r.body as { dryRun: boolean }).dryRun)).toEqual([true]);
    expect(within(dialog).getByText('1 SMS will be sent.')).toBeTruthy();
    expect(within(dialog).getByText(/1 interaction will be processed again/)).toBeTruthy();

    fireEvent.click(within(dialog).getByLabelText('Also resend the 1 SMS Telnyx never confirmed (they may arrive twice)'));
    expect(await within(dialog).findByText('2 SMS will be sent.')).toBeTruthy();
    expect(within(dialog).getByText('1 of these may already have been received: it may arrive twice.')).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Retry now' }));
    expect(await screen.findByText('Retried: 2 SMS queued, 1 interaction(s) processed again.')).toBeTruthy();
    const last = worker.requestsTo('POST', '/v1/attention/retry').at(-1)?.body;
    expect(last).toEqual({ interactionIds: ['ix_1'], sendIds: ['snd_rej', 'snd_unk'], includeUnknown: true, dryRun: false });
    await waitFor(() => expect(worker.requestsTo('GET', '/v1/attention').length).toBeGreaterThanOrEqual(2));
  });
});
