// The ticket sidebar as an agent sees it: statuses, skip reasons, retry, refresh, empty and error
// states, not connected and not visible; the worker played by the fake worker's fetch, Zendesk by
// the stand-in ZAF client.
import { leftOutDetail } from '../../../shared/rules/left-out.ts';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { send, ticketSends } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { hasRecentActivity, TicketSidebar, type TicketSidebarProps } from './TicketSidebar.tsx';
import { formatNextTry } from '../lib/waiting.ts';

const SENDS_PATH = '/v1/tickets/42/sends';

function setup(props: TicketSidebarProps = {}, data: Record<string, unknown> = { 'ticket.id': 42 }) {
  const client = createFakeZafClient({ data, context: { location: 'ticket_sidebar' } });
  const worker = createFakeWorker({ location: 'ticket_sidebar' });
  const view = render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <TicketSidebar eventRefreshDelayMs={0} {...props} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { client, worker, ...view };
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: hidden ? 'hidden' : 'visible' });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  setHidden(false);
});

describe('TicketSidebar', () => {
  it('says what waits out an outage and when it is tried next, in the agent\'s time', async () => {
    const { worker } = setup();
    const nextTry = new Date(Date.now() + 5 * 60_000);
    const base = ticketSends([send({ id: 's1', status: 'reserved', detail: 'Telnyx answered 503; waiting for Telnyx', waitingFor: 'telnyx', nextTryAt: nextTry.toISOString() })]);
    const interaction = base.interactions[0];
    if (!interaction) throw new Error('fixture');
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: {
        ...base,
        interactions: [
          { ...interaction, id: 'i2', status: 'received', detail: 'Zendesk answered 503', waitingFor: 'zendesk', nextTryAt: nextTry.toISOString(), sends: [] },
          { ...interaction, id: 'i3', status: 'failed', detail: 'The work queue gave up after its retries (dead-letter queue)', sends: [] },
          interaction,
        ],
      },
    });
    // The date is added when the next try is not today (near midnight): formatNextTry decides.
    const time = formatNextTry(nextTry.toISOString());
    expect(await screen.findByTestId('interaction-i2')).toHaveTextContent(`Waiting for Zendesk, next try at ${time}`);
    expect(screen.getByTestId('interaction-i3')).toHaveTextContent('Could not be processed: The work queue gave up after its retries (dead-letter queue)');
    expect(within(screen.getByTestId('send-s1')).getByText(`Waiting for Telnyx, next try at ${time}`)).toBeInTheDocument();
  });

  it('shows the SMS replies under the SMS they answer: masked number, text, media link, where they went', async () => {
    const { worker } = setup();
    const reply = (over: Record<string, unknown>) => ({
      id: 'm1',
      text: 'Still broken',
      media: [],
      fromMasked: '+1 *** *** 0201',
      receivedAt: '2026-12-01T10:00:00.000Z',
      status: 'applied',
      commentKind: 'public',
      detail: null,
      ...over,
    });
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([
        send({
          id: 's1',
          status: 'delivered',
          replies: [
            reply({}),
            reply({ id: 'm2', text: 'Photo attached', media: [{ url: 'https://media.example/p.jpg', contentType: 'image/jpeg' }], status: 'pending', commentKind: null }),
            reply({ id: 'm3', text: 'From the manager', commentKind: 'internal' }),
            reply({ id: 'm4', text: 'Too late', status: 'failed', commentKind: null, detail: 'zendesk_422' }),
          ],
        } as never),
      ]),
    });
    const list = await screen.findByRole('list', { name: 'Replies to this SMS' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[0]).toHaveTextContent('Reply from +1 *** *** 0201');
    expect(items[0]).toHaveTextContent('Still broken');
    expect(items[0]).toHaveTextContent("Added as the requester's comment");
    expect(within(items[1] as HTMLElement).getByRole('link', { name: 'Attachment 1' })).toHaveAttribute('href', 'https://media.example/p.jpg');
    expect(items[1]).toHaveTextContent('Being added to the ticket');
    expect(items[2]).toHaveTextContent('Added as an internal note');
    expect(items[3]).toHaveTextContent('Not added to the ticket: zendesk_422');
  });

  it('shows a loading state until the sends arrive', async () => {
    let release: () => void = () => {};
    const { worker } = setup();
    worker.route(
      'GET',
      SENDS_PATH,
      () =>
        new Promise((resolve) => {
          release = () => resolve({ status: 200, body: ticketSends([send()]) });
        }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Loading');
    await waitFor(() => expect(worker.requestsTo('GET', SENDS_PATH)).toHaveLength(1));
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    await act(async () => release());
    expect(await screen.findByText('Thank the customer')).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('lists each SMS with its masked recipient, rule, status and carrier reason', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([
        send({ id: 's1', status: 'delivered' }),
        send({
          id: 's2',
          ruleLabel: 'Tell the agent',
          recipientKind: 'assigned_agent',
          recipientMasked: '+44 **** ***018',
          status: 'failed',
          reason: 'carrier_failed',
          detail: 'Unreachable destination handset',
          carrierErrorCode: '30003',
        }),
        send({
          id: 's3',
          status: 'held',
          reason: 'quiet_hours',
          scheduledFor: '2026-11-30T08:00:00.000Z',
        }),
      ]),
    });

    const delivered = await screen.findByTestId('send-s1');
    expect(delivered).toHaveTextContent('Thank the customer');
    expect(delivered).toHaveTextContent('Delivered');
    expect(delivered).toHaveTextContent('To +1 *** *** 0123 (customer)');

    const failed = screen.getByTestId('send-s2');
    expect(failed).toHaveTextContent('Tell the agent');
    expect(failed).toHaveTextContent('Failed');
    expect(failed).toHaveTextContent('To +44 **** ***018 (assigned agent)');
    expect(failed).toHaveTextContent('Why: The carrier could not deliver it');
    expect(failed).toHaveTextContent('Carrier: Unreachable destination handset');

    const held = screen.getByTestId('send-s3');
    expect(held).toHaveTextContent('Held');
    expect(held).toHaveTextContent('Quiet hours');
    expect(held).toHaveTextContent('Will be sent');
  });

  it('says when matching rules were not run because the interaction reached its recipient limit', async () => {
    const { worker } = setup();
    const sends = ticketSends([send({ id: 's1', status: 'delivered' })]);
    const [interaction] = sends.interactions;
    if (!interaction) throw new Error('interaction expected');
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: { ...sends, interactions: [{ ...interaction, detail: `13 rule(s) matched; ${leftOutDetail(2, 250)}` }] },
    });
    expect(await screen.findByRole('note')).toHaveTextContent('2 more matching rule(s) not run: at most 250 recipients per interaction');
  });

  it('translates every skip reason', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([
        send({ id: 'a', status: 'skipped', reason: 'opted_out', recipientMasked: null }),
        send({ id: 'b', status: 'skipped', reason: 'frequency_cap' }),
        send({ id: 'c', status: 'skipped', reason: 'no_valid_number', recipientMasked: null }),
      ]),
    });
    const optedOut = await screen.findByTestId('send-a');
    expect(optedOut).toHaveTextContent('Skipped');
    expect(optedOut).toHaveTextContent('The recipient opted out (replied STOP)');
    expect(optedOut).toHaveTextContent('To no number (customer)');
    expect(screen.getByTestId('send-b')).toHaveTextContent('Frequency cap reached for this number');
    expect(screen.getByTestId('send-c')).toHaveTextContent('No valid phone number');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('shows a message Telnyx cancelled as skipped with its reason, without a retry', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([send({ id: 'x', status: 'skipped', reason: 'cancelled', detail: null, canRetry: false })]),
    });
    const cancelled = await screen.findByTestId('send-x');
    expect(cancelled).toHaveTextContent('Skipped');
    expect(cancelled).toHaveTextContent('Cancelled in Telnyx before it was sent');
    expect(within(cancelled).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('retries a failed SMS and shows its new status', async () => {
    const user = userEvent.setup();
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([send({ id: 's9', status: 'failed', reason: 'telnyx_rejected', canRetry: true })]),
    });
    worker.route('POST', '/v1/sends/s9/retry', {
      status: 200,
      body: send({ id: 's9', status: 'queued', attempts: 2 }),
    });

    const item = await screen.findByTestId('send-s9');
    await user.click(within(item).getByRole('button', { name: 'Retry' }));

    await waitFor(() => expect(screen.getByTestId('send-s9')).toHaveTextContent('Queued'));
    expect(worker.requestsTo('POST', '/v1/sends/s9/retry')).toHaveLength(1);
    expect(within(screen.getByTestId('send-s9')).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('says why a retry failed', async () => {
    const user = userEvent.setup();
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([send({ id: 's9', status: 'failed', canRetry: true })]),
    });
    worker.route('POST', '/v1/sends/s9/retry', {
      status: 403,
      body: { error: { code: 'forbidden', message: 'Only admins may retry.' } },
    });
    await user.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Retry failed: Only admins may retry.')).toBeInTheDocument();
  });

  it('shows a delayed SMS as scheduled with its time, and lets an agent with retry permission cancel it', async () => {
    const user = userEvent.setup();
    const { worker } = setup();
    const scheduledFor = '2026-12-01T12:30:00.000Z';
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([
        send({ id: 'd1', status: 'held', reason: 'send_delay', scheduledFor, detail: null, canRetry: false, canCancel: true }),
        send({ id: 'd2', status: 'held', reason: 'send_delay', scheduledFor, detail: null, canRetry: false, canCancel: false }),
      ]),
    });
    worker.route('POST', '/v1/sends/d1/cancel', {
      status: 200,
      body: send({ id: 'd1', status: 'skipped', reason: 'cancelled_by_agent', scheduledFor, detail: 'Cancelled by an agent', canCancel: false }),
    });
    const item = await screen.findByTestId('send-d1');
    expect(item).toHaveTextContent('Held');
    expect(item).toHaveTextContent('Scheduled: the rule sends some time after the interaction ends');
    expect(item).toHaveTextContent('Will be sent');
    // Without the permission (canCancel false) there is nothing to press.
    expect(within(screen.getByTestId('send-d2')).queryByRole('button', { name: 'Cancel this SMS' })).not.toBeInTheDocument();

    await user.click(within(item).getByRole('button', { name: 'Cancel this SMS' }));
    await waitFor(() => expect(screen.getByTestId('send-d1')).toHaveTextContent('Skipped'));
    expect(screen.getByTestId('send-d1')).toHaveTextContent('Cancelled by an agent');
    expect(worker.requestsTo('POST', '/v1/sends/d1/cancel')).toHaveLength(1);
    expect(within(screen.getByTestId('send-d1')).queryByRole('button', { name: 'Cancel this SMS' })).not.toBeInTheDocument();
  });

  it('says why a cancel failed', async () => {
    const user = userEvent.setup();
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends([send({ id: 'd1', status: 'held', reason: 'send_delay', canRetry: false, canCancel: true })]),
    });
    worker.route('POST', '/v1/sends/d1/cancel', {
      status: 409,
      body: { error: { code: 'conflict', message: 'This send cannot be cancelled (status sending)' } },
    });
    await user.click(await screen.findByRole('button', { name: 'Cancel this SMS' }));
    expect(await screen.findByText('Cancel failed: This send cannot be cancelled (status sending)')).toBeInTheDocument();
  });

  it('lists the rules that would fire when nothing was sent yet', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 200,
      body: ticketSends(
        [],
        [
          { ruleId: 'r1', label: 'Thank the customer' },
          { ruleId: 'r2', label: 'Tell the agent' },
        ],
      ),
    });
    expect(await screen.findByText('No SMS for this ticket yet.')).toBeInTheDocument();
    expect(screen.getByText('When the interaction ends, these 2 rules would send an SMS:')).toBeInTheDocument();
    expect(screen.getByText('Tell the agent')).toBeInTheDocument();
  });

  it('says so when no rule would fire', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([], []) });
    expect(await screen.findByText('No rule would send an SMS for this ticket.')).toBeInTheDocument();
  });

  it('shows an error with a retry, and recovers', async () => {
    const user = userEvent.setup();
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 503, body: { error: { code: 'unavailable', message: 'Worker is down' } } });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the SMS for this ticket');
    expect(alert).toHaveTextContent('Worker is down');

    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([send()]) });
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('send-s1')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('calls the worker same-origin with the session token', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([]) });
    await screen.findByText('No SMS for this ticket yet.');
    const [request] = worker.requestsTo('GET', SENDS_PATH);
    expect(request?.url).toBe(`${SENDS_PATH}?explain=1`); // the empty state asks which rules would fire
    expect(request?.headers).toMatchObject({ authorization: 'Bearer tok_1', accept: 'application/json' });
    expect(request?.body).toBeUndefined();
  });

  it('says when the account is not connected yet, without an error', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, {
      status: 409,
      body: { error: { code: 'not_connected', message: 'This Zendesk account is not connected' } },
    });
    expect(
      await screen.findByText("Post-Interaction SMS is not connected yet; an admin connects it in the app's admin screen."),
    ).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText('This Zendesk account is not connected')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });

  it('shows nothing about a ticket the agent may not view', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 404, body: { error: { code: 'not_found', message: 'Ticket 42 belongs to group Legal' } } });
    expect(await screen.findByText('No SMS information for this ticket.')).toBeInTheDocument();
    expect(screen.queryByText(/Legal/)).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('refreshes an expired session without showing an error', async () => {
    const { worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([send()]) });
    worker.expireSession();
    expect(await screen.findByTestId('send-s1')).toBeInTheDocument();
    expect(worker.requestsTo('GET', SENDS_PATH).map((r) => r.token)).toEqual(['tok_1', 'tok_2']);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
  });

  it('says the session ended, and stops asking the worker', async () => {
    const { worker } = setup({ pollIntervalMs: 20 });
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([]) });
    worker.expireSession();
    worker.refuseRefresh();
    expect(await screen.findByText('Your session has ended; reload the app to continue.')).toBeInTheDocument();
    expect(screen.queryByText('Could not load the SMS for this ticket')).not.toBeInTheDocument();
    const asked = worker.requestsTo('GET', SENDS_PATH).length;
    await new Promise((r) => setTimeout(r, 150));
    expect(worker.requestsTo('GET', SENDS_PATH)).toHaveLength(asked);
  });

  it('refreshes after ticket events, and never blocks a save', async () => {
    const { client, worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([]) });
    await screen.findByText('No SMS for this ticket yet.');
    expect(worker.requestsTo('GET', SENDS_PATH)).toHaveLength(1);

    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([send({ status: 'sent' })]) });
    act(() => {
      client.emit('ticket.status.changed', 'solved');
    });
    expect(await screen.findByText('Sent')).toBeInTheDocument();

    let answers: unknown[] = [];
    act(() => {
      answers = client.emit('ticket.save');
    });
    expect(answers).toEqual([true]);
    await waitFor(() => expect(worker.requestsTo('GET', SENDS_PATH)).toHaveLength(3));
  });

  it('polls on an interval while visible, pauses while hidden', async () => {
    const { worker } = setup({ pollIntervalMs: 40 });
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([]) });
    await waitFor(() => expect(worker.requestsTo('GET', SENDS_PATH).length).toBeGreaterThanOrEqual(3), { timeout: 5000 });

    act(() => setHidden(true));
    await new Promise((r) => setTimeout(r, 60));
    const whileHidden = worker.requestsTo('GET', SENDS_PATH).length;
    await new Promise((r) => setTimeout(r, 200));
    expect(worker.requestsTo('GET', SENDS_PATH).length).toBe(whileHidden);

    act(() => setHidden(false));
    await waitFor(() => expect(worker.requestsTo('GET', SENDS_PATH).length).toBeGreaterThan(whileHidden), { timeout: 5000 });
  });

  it('backs off while the worker keeps failing', async () => {
    const { worker } = setup({ pollIntervalMs: 20, maxBackoffMs: 10_000 });
    worker.route('GET', SENDS_PATH, { status: 500 });
    await waitFor(() => expect(worker.requestsTo('GET', SENDS_PATH).length).toBeGreaterThanOrEqual(4), { timeout: 5000 });
    // After the 1st, 2nd and 3rd failure the waits are at least 20, 40 and 80 ms (timers only
    // ever fire late); without back-off they would all be 20 ms.
    const at = worker.requestsTo('GET', SENDS_PATH).map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? t));
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
  });

  it('resizes the iframe to its content', async () => {
    const { client, worker } = setup();
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([send()]) });
    await screen.findByTestId('send-s1');
    const resize = client.invocations.filter((i) => i.name === 'resize');
    expect(resize.length).toBeGreaterThan(0);
    expect(resize.at(-1)?.args[0]).toMatchObject({ width: '100%', height: expect.stringMatching(/^\d+px$/) });
  });

  it('explains when the app has no ticket to show', async () => {
    setup({}, {});
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the SMS for this ticket');
  });

  it('stops listening to ticket events when closed', async () => {
    const { client, worker, unmount } = setup();
    worker.route('GET', SENDS_PATH, { status: 200, body: ticketSends([]) });
    await screen.findByText('No SMS for this ticket yet.');
    expect(client.handlerCount('ticket.status.changed')).toBe(1);
    unmount();
    expect(client.handlerCount('ticket.status.changed')).toBe(0);
  });
});

describe('polling pace', () => {
  const at = (iso: string) => Date.parse(iso);
  it('polls faster only while a send moved in the last two minutes', () => {
    const queued = ticketSends([send({ status: 'queued', updatedAt: '2026-11-29T10:00:00Z' })]);
    expect(hasRecentActivity(queued, at('2026-11-29T10:01:00Z'))).toBe(true);
    expect(hasRecentActivity(queued, at('2026-11-29T10:05:00Z'))).toBe(false);
    const delivered = ticketSends([send({ status: 'delivered', updatedAt: '2026-11-29T10:00:00Z' })]);
    expect(hasRecentActivity(delivered, at('2026-11-29T10:00:30Z'))).toBe(false);
    expect(hasRecentActivity(null, at('2026-11-29T10:00:30Z'))).toBe(false);
  });
});
