// The admin screen's spend limits and privacy (issue 12b) as an admin and a supervisor use them:
// the banner while the daily budget holds sends, which opens the Limits & privacy tab; today's
// budget; the limits form (only changed keys PATCHed, bad values shown on their field before
// anything is sent, the worker's field errors shown); erasure of a number after a confirmation,
// with what was removed and kept; supervisors read-only, without erasure.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../../shared/schemas/privacy.ts';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { me, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';

function budget(overrides: Partial<BudgetStatus> = {}): BudgetStatus {
  return {
    day: '2026-11-29',
    messages: 12,
    messageLimit: 1000,
    estimatedCost: 0.06,
    costLimit: null,
    heldSends: 0,
    exceededAt: null,
    releaseAt: '2026-11-30T00:00:00.000Z',
    ...overrides,
  };
}

function setup(opts: { role?: 'admin' | 'supervisor'; budget?: BudgetStatus } = {}) {
  const role = opts.role ?? 'admin';
  const client = createFakeZafClient({
    context: { location: 'nav_bar' },
    data: { currentUser: { id: 1001, name: 'Ada Admin', role: role === 'admin' ? 'admin' : 'agent', locale: 'en' } },
  });
  const worker = createFakeWorker({ location: 'nav_bar' });
  let current = settingsResponse();
  worker.route('GET', '/v1/me', { status: 200, body: me({ role }) });
  worker.route('GET', '/v1/settings', () => ({ status: 200, body: current }));
  worker.route('GET', '/v1/rules', { status: 200, body: { rules: [] } });
  worker.route('GET', '/v1/budget', { status: 200, body: opts.budget ?? budget() });
  worker.route('PATCH', '/v1/settings', (r) => {
    current = settingsResponse({ settings: { ...current.settings, ...(r.body as object) } });
    return { status: 200, body: current };
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

const field = (label: string) => screen.getByLabelText(label, { exact: false }) as HTMLInputElement;

afterEach(() => sessionStorage.clear());

describe('daily budget banner', () => {
  it('shows while sends are held and opens the Limits & privacy tab', async () => {
    setup({ budget: budget({ messages: 1000, heldSends: 3, exceededAt: '2026-11-29T17:00:00.000Z' }) });
    const banner = (await screen.findByText('Daily SMS budget used up')).closest('[role="alert"]') as HTMLElement;
    expect(banner.textContent).toContain('3 SMS are held until');
    fireEvent.click(within(banner).getByRole('button', { name: 'Open Limits & privacy' }));
    const today = await screen.findByTestId('budget-today');
    expect(today.textContent).toContain('1000 of 1000 SMS today (UTC), estimated cost 0.06');
    expect(today.textContent).toContain('3 SMS held until');
  });

  it('stays away while nothing is held', async () => {
    const { worker } = setup();
    await screen.findByRole('tab', { name: 'Limits & privacy' });
    await waitFor(() => expect(worker.requestsTo('GET', '/v1/budget')).toHaveLength(1));
    expect(screen.queryByText('Daily SMS budget used up')).toBeNull();
  });
});

describe('Limits & privacy tab', () => {
  it('saves only the limits that changed, and shows bad values on their field before sending', async () => {
    const { worker } = setup();
    fireEvent.click(await screen.findByRole('tab', { name: 'Limits & privacy' }));
    await screen.findByRole('form', { name: 'Limits and privacy settings' });
    expect(field('SMS per day (UTC)').value).toBe('1000');
    expect(field('Keep message texts and numbers for (days)').value).toBe('90');

    fireEvent.change(field('Keep message texts and numbers for (days)'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    expect(await screen.findByText('At least 31 days: frequency caps and reply matching look back that far')).toBeTruthy();
    expect(worker.requestsTo('PATCH', '/v1/settings')).toHaveLength(0);

    fireEvent.change(field('Keep message texts and numbers for (days)'), { target: { value: '90' } });
    fireEvent.change(field('SMS per day (UTC)'), { target: { value: '500' } });
    fireEvent.change(field('Countries to text'), { target: { value: 'us, ca' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    expect(await screen.findByText('Limits saved.')).toBeTruthy();
    expect(worker.requestsTo('PATCH', '/v1/settings').map((r) => r.body)).toEqual([{ dailyMessageLimit: 500, allowedCountries: ['US', 'CA'] }]);
  });

  it("shows the worker's field errors on their inputs", async () => {
    const { worker } = setup();
    worker.route('PATCH', '/v1/settings', {
      status: 422,
      body: { error: { code: 'validation_failed', message: 'testSendNumbers.0: Use the international format', fields: [{ field: 'testSendNumbers.0', reason: 'Use the international format, e.g. +14155550123' }] } },
    });
    fireEvent.click(await screen.findByRole('tab', { name: 'Limits & privacy' }));
    await screen.findByRole('form', { name: 'Limits and privacy settings' });
    // Valid for the app's schema, refused by the worker (as an older or stricter deploy might).
    fireEvent.change(field('Numbers a test SMS may go to'), { target: { value: '+14155550123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    expect(await screen.findByText('Use the international format, e.g. +14155550123')).toBeTruthy();
  });

  it('erases a number after a confirmation and says what was removed and what was kept', async () => {
    const { worker } = setup();
    worker.route('POST', '/v1/erasure', {
      status: 200,
      body: {
        subject: '+1 *** *** 0123',
        kind: 'phone',
        removed: { sends: 4, replies: 2, helpAnswers: 0, auditEntries: 1 },
        kept: ['The opt-out (STOP) of this number: it is what keeps it from being texted again'],
      },
    });
    fireEvent.click(await screen.findByRole('tab', { name: 'Limits & privacy' }));
    fireEvent.change(await screen.findByLabelText('Phone number or ticket id'), { target: { value: '(415) 555-0123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Erase…' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Erase everything stored about (415) 555-0123? This cannot be undone.');
    // Cancel first: nothing is sent.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(worker.requestsTo('POST', '/v1/erasure')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Erase…' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Erase now' }));
    const done = await screen.findByText(/Erased \+1 \*\*\* \*\*\* 0123/);
    expect(done.textContent).toBe('Erased +1 *** *** 0123: 4 SMS blanked, 2 replies deleted, 1 audit entries cleaned.');
    expect(screen.getByText(/Kept: The opt-out \(STOP\)/)).toBeTruthy();
    expect(worker.requestsTo('POST', '/v1/erasure').map((r) => r.body)).toEqual([{ phone: '(415) 555-0123' }]);
  });

  it('is read-only for supervisors, without erasure', async () => {
    setup({ role: 'supervisor' });
    fireEvent.click(await screen.findByRole('tab', { name: 'Limits & privacy' }));
    expect(await screen.findByText('Only Zendesk admins can change limits and erase data. You can see them.')).toBeTruthy();
    expect(field('SMS per day (UTC)')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Erase…' })).toBeNull();
  });
});
