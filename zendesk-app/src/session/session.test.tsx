// The session of an app page and the worker transport over it: reading the grant the worker puts
// into the page, refreshing on time and on `session_expired` (once, shared by concurrent calls),
// ending when the refresh token is refused or has lapsed, and the page opened outside Zendesk.
import { render, screen } from '@testing-library/react';
import { z } from 'zod';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkerApi } from '../api/worker-api.ts';
import '../i18n/sidebar-strings.ts';
import { createFakeWorker, putSessionMeta, testGrant } from '../test/fake-worker.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { readSessionGrant, Session, type SessionEvent } from './session.ts';
import { SessionProvider, useSession } from './session-provider.tsx';

const Ok = z.object({ ok: z.boolean() });

afterEach(() => {
  putSessionMeta(null);
  vi.useRealTimers();
});

describe('readSessionGrant', () => {
  it('reads the HTML-escaped JSON the worker puts into the page', () => {
    const grant = testGrant({ location: 'ticket_sidebar' });
    const escaped = JSON.stringify(grant).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    document.head.insertAdjacentHTML('beforeend', `<meta name="pisms-session" content="${escaped}">`);
    expect(readSessionGrant()).toEqual({ ok: true, grant });
  });

  it('reports a missing or broken grant', () => {
    expect(readSessionGrant()).toEqual({ ok: false, reason: 'missing' });
    putSessionMeta('{"token":');
    expect(readSessionGrant()).toEqual({ ok: false, reason: 'invalid' });
    putSessionMeta(JSON.stringify({ ...testGrant(), expiresAt: 'soon' }));
    expect(readSessionGrant()).toEqual({ ok: false, reason: 'invalid' });
    putSessionMeta(JSON.stringify({ ...testGrant(), location: 'top_bar' }));
    expect(readSessionGrant()).toEqual({ ok: false, reason: 'invalid' });
  });
});

function Location() {
  const { location, session } = useSession();
  return (
    <p>
      {location} {session.token}
    </p>
  );
}

describe('SessionProvider', () => {
  it('asks to open the app from Zendesk when the page has no grant', () => {
    render(
      <AppThemeProvider>
        <SessionProvider>
          <Location />
        </SessionProvider>
      </AppThemeProvider>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Open this app from Zendesk');
    expect(screen.queryByText(/nav_bar/)).not.toBeInTheDocument();
  });

  it("uses the page's grant", () => {
    putSessionMeta(testGrant({ token: 'tok_page' }));
    render(
      <AppThemeProvider>
        <SessionProvider>
          <Location />
        </SessionProvider>
      </AppThemeProvider>,
    );
    expect(screen.getByText('nav_bar tok_page')).toBeInTheDocument();
  });
});

describe('Session: refresh', () => {
  it('refreshes two minutes before the token expires, then again before the new one does', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const worker = createFakeWorker({ expiresAt: new Date(Date.now() + 2 * 60_000 + 40_000).toISOString() });
    const session = new Session({ grant: worker.grant, fetch: worker.fetch });
    session.start();
    await vi.advanceTimersByTimeAsync(39_000);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
    expect(session.token).toBe('tok_2');
    // The new token lives 15 minutes: the next refresh is due after 13.
    await vi.advanceTimersByTimeAsync(12 * 60_000);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000 + 1_000);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(2);
    expect(session.token).toBe('tok_3');
    session.stop();
  });

  it('sends one refresh for concurrent callers', async () => {
    const worker = createFakeWorker();
    const session = new Session({ grant: worker.grant, fetch: worker.fetch });
    const [a, b] = await Promise.all([session.refresh(), session.refresh()]);
    expect(a).toBe(b);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
  });

  it('ends when the refresh token is refused, telling listeners once', async () => {
    const worker = createFakeWorker();
    worker.refuseRefresh('user_suspended');
    const session = new Session({ grant: worker.grant, fetch: worker.fetch });
    const events: SessionEvent[] = [];
    session.subscribe((e) => events.push(e));
    await expect(session.refresh()).rejects.toMatchObject({ code: 'session_ended', status: 401 });
    await expect(session.refresh()).rejects.toMatchObject({ code: 'session_ended' });
    expect(events).toEqual([{ type: 'ended', reason: 'user_suspended' }]);
    expect(session.hasEnded).toBe(true);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
  });

  it('ends without asking once the refresh token has lapsed', async () => {
    const worker = createFakeWorker({ refreshExpiresAt: new Date(Date.now() - 1_000).toISOString() });
    const session = new Session({ grant: worker.grant, fetch: worker.fetch });
    await expect(session.refresh()).rejects.toMatchObject({ code: 'session_ended' });
    expect(session.hasEnded).toBe(true);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(0);
  });

  it('does not end on a passing failure', async () => {
    const worker = createFakeWorker();
    worker.route('POST', '/v1/session/refresh', { status: 503, body: { error: { code: 'unavailable', message: 'Try later' } } });
    const session = new Session({ grant: worker.grant, fetch: worker.fetch });
    await expect(session.refresh()).rejects.toMatchObject({ status: 503, code: 'unavailable' });
    expect(session.hasEnded).toBe(false);
    const offline = new Session({ grant: worker.grant, fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(offline.refresh()).rejects.toMatchObject({ code: 'network_error' });
    expect(offline.hasEnded).toBe(false);
  });
});

describe('createWorkerApi', () => {
  function api() {
    const worker = createFakeWorker();
    const session = new Session({ grant: worker.grant, fetch: worker.fetch });
    return { worker, session, api: createWorkerApi(session) };
  }

  it('sends JSON with the bearer token and parses the answer', async () => {
    const { worker, api: client } = api();
    worker.route('POST', '/v1/things', { status: 201, body: { ok: true } });
    await expect(client.call('POST', '/v1/things', Ok, { a: 1 })).resolves.toEqual({ ok: true });
    const [request] = worker.requests;
    expect(request).toMatchObject({ url: '/v1/things', body: { a: 1 }, token: 'tok_1' });
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it("turns the worker's error envelope, a contract mismatch and a network failure into WorkerApiErrors", async () => {
    const { worker, api: client } = api();
    worker.route('PUT', '/v1/things', {
      status: 422,
      body: { error: { code: 'validation_failed', message: 'Invalid', fields: [{ field: 'a', reason: 'Too big' }] } },
    });
    await expect(client.call('PUT', '/v1/things', Ok, {})).rejects.toMatchObject({
      status: 422,
      code: 'validation_failed',
      fields: [{ field: 'a', reason: 'Too big' }],
    });
    worker.route('GET', '/v1/things', { status: 200, body: { ok: 'yes' } });
    await expect(client.call('GET', '/v1/things', Ok)).rejects.toMatchObject({ code: 'invalid_response' });
    worker.route('GET', '/v1/down', { status: 502 });
    await expect(client.call('GET', '/v1/down', Ok)).rejects.toMatchObject({ status: 502, code: 'server_error' });
    const offline = createWorkerApi(new Session({ grant: testGrant(), fetch: () => Promise.reject(new TypeError('Failed to fetch')) }));
    await expect(offline.call('GET', '/v1/things', Ok)).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('accepts an answer without a body where none is needed', async () => {
    const { worker, api: client } = api();
    worker.route('DELETE', '/v1/things/1', { status: 204 });
    await expect(client.callNoContent('DELETE', '/v1/things/1')).resolves.toBeUndefined();
  });

  it('refreshes once on session_expired and retries once; concurrent calls share the refresh', async () => {
    const { worker, api: client } = api();
    worker.route('GET', '/v1/things', { status: 200, body: { ok: true } });
    worker.expireSession();
    await Promise.all([client.call('GET', '/v1/things', Ok), client.call('GET', '/v1/things', Ok), client.call('GET', '/v1/things', Ok)]);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
    expect(worker.requestsTo('GET', '/v1/things').map((r) => r.token)).toEqual(['tok_1', 'tok_1', 'tok_1', 'tok_2', 'tok_2', 'tok_2']);
  });

  it('gives up after one retry, and never refreshes for another 401', async () => {
    const { worker, api: client } = api();
    worker.route('GET', '/v1/always-expired', {
      status: 401,
      body: { error: { code: 'session_expired', message: 'Expired' } },
    });
    await expect(client.call('GET', '/v1/always-expired', Ok)).rejects.toMatchObject({ code: 'session_expired' });
    expect(worker.requestsTo('GET', '/v1/always-expired')).toHaveLength(2);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);

    worker.route('GET', '/v1/suspended', { status: 401, body: { error: { code: 'user_suspended', message: 'Suspended' } } });
    await expect(client.call('GET', '/v1/suspended', Ok)).rejects.toMatchObject({ code: 'user_suspended' });
    expect(worker.requestsTo('GET', '/v1/suspended')).toHaveLength(1);
    expect(worker.requestsTo('POST', '/v1/session/refresh')).toHaveLength(1);
  });

  it('fails every call at once after the session ended', async () => {
    const { worker, session, api: client } = api();
    worker.route('GET', '/v1/things', { status: 200, body: { ok: true } });
    worker.expireSession();
    worker.refuseRefresh();
    await expect(client.call('GET', '/v1/things', Ok)).rejects.toMatchObject({ code: 'session_ended' });
    expect(session.hasEnded).toBe(true);
    const asked = worker.requests.length;
    await expect(client.call('GET', '/v1/things', Ok)).rejects.toMatchObject({ code: 'session_ended' });
    expect(worker.requests).toHaveLength(asked);
  });
});
