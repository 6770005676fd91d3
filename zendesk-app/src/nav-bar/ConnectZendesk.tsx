// Connect (or reconnect) the Zendesk account: the worker returns Zendesk's consent page for its
// OAuth client (POST /v1/connect/zendesk), the app opens it in a popup, and then watches
// GET /v1/me until the account is connected. The popup's "Connected" page may also post
// `{ type: 'pisms:zendesk-connected' }` from the worker's origin, which only makes the app look
// again at once. Then the session is refreshed (it now names the installation) and the admin
// screen reloads. Only admins can approve the consent: others are told to ask one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Anchor, Button } from '@zendeskgarden/react-buttons';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { LG, Paragraph } from '@zendeskgarden/react-typography';
import type { AdminApi } from '../api/admin-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { useSession } from '../session/session-provider.tsx';
import { ErrorAlert } from '../ui/common.tsx';

export const CONNECTED_MESSAGE_TYPE = 'pisms:zendesk-connected';
const POPUP_NAME = 'pisms-connect';
const POPUP_FEATURES = 'popup,width=600,height=720';

export interface ConnectZendeskProps {
  api: AdminApi;
  /** `connect` for an account never connected (or disconnected), `reconnect` after Zendesk refused the token. */
  mode: 'connect' | 'reconnect';
  /** From the ZAF current user, for display only: the worker checks the consenting user is an admin. */
  isAdmin: boolean;
  /** How often to ask /v1/me while the consent window is open. */
  pollIntervalMs: number;
  /** Give up watching after this long. */
  timeoutMs: number;
  onConnected: () => void;
}

type Phase =
  | { name: 'idle' }
  | { name: 'starting' }
  | { name: 'waiting'; authorizeUrl: string; popupBlocked: boolean }
  | { name: 'finishing' }
  | { name: 'timed_out' }
  | { name: 'failed'; error: WorkerApiError };

function useWatchConnection(
  api: AdminApi,
  isWaiting: boolean,
  options: { pollIntervalMs: number; timeoutMs: number; onConnected: () => void; onTimeout: () => void },
) {
  const latest = useRef(options);
  latest.current = options;
  const { session } = useSession();

  useEffect(() => {
    if (!isWaiting) return;
    let stopped = false;
    let inFlight = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = Date.now() + latest.current.timeoutMs;

    const check = async () => {
      if (stopped || inFlight) return;
      inFlight = true;
      let connected = false;
      try {
        connected = (await api.me()).connection === 'connected';
      } catch {
        // a passing failure: look again at the next tick
      }
      inFlight = false;
      if (stopped || session.hasEnded) return;
      if (connected) {
        stopped = true;
        latest.current.onConnected();
        return;
      }
      if (Date.now() >= deadline) {
        stopped = true;
        latest.current.onTimeout();
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => void check(), latest.current.pollIntervalMs);
    };

    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown } | null;
      if (event.origin !== window.location.origin || data?.type !== CONNECTED_MESSAGE_TYPE) return;
      clearTimeout(timer);
      void check();
    };

    window.addEventListener('message', onMessage);
    timer = setTimeout(() => void check(), latest.current.pollIntervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
    };
  }, [api, isWaiting, session]);
}

export function ConnectZendesk({ api, mode, isAdmin, pollIntervalMs, timeoutMs, onConnected }: ConnectZendeskProps) {
  const { session } = useSession();
  const [phase, setPhase] = useState<Phase>({ name: 'idle' });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const finish = useCallback(async () => {
    setPhase({ name: 'finishing' });
    try {
      await session.refresh(); // the new session names the installation
    } catch {
      // Ended: the session notice says so. Passing: the old session still resolves the account.
    }
    if (mounted.current && !session.hasEnded) onConnected();
  }, [session, onConnected]);

  useWatchConnection(api, phase.name === 'waiting', {
    pollIntervalMs,
    timeoutMs,
    onConnected: () => void finish(),
    onTimeout: () => setPhase({ name: 'timed_out' }),
  });

  async function start() {
    setPhase({ name: 'starting' });
    try {
      const { authorizeUrl } = await api.connectZendesk();
      const popup = window.open(authorizeUrl, POPUP_NAME, POPUP_FEATURES);
      setPhase({ name: 'waiting', authorizeUrl, popupBlocked: !popup });
    } catch (reason) {
      setPhase({ name: 'failed', error: toWorkerApiError(reason) });
    }
  }

  const isReconnect = mode === 'reconnect';
  const busy = phase.name === 'starting' || phase.name === 'finishing';
  const buttonLabel = isReconnect ? t('connect.reconnect_button') : t('connect.button');

  if (!isAdmin) {
    return (
      <Alert type={isReconnect ? 'warning' : 'info'} role="status" style={{ marginBottom: 16 }}>
        <Alert.Title>{isReconnect ? t('connect.reconnect_title') : t('connect.title')}</Alert.Title>
        <Alert.Paragraph>{isReconnect ? t('connect.reconnect_ask_admin') : t('connect.ask_admin')}</Alert.Paragraph>
      </Alert>
    );
  }

  const progress = (
    <>
      {phase.name === 'waiting' && (
        <div role="status" style={{ marginTop: 12 }}>
          <Paragraph>{phase.popupBlocked ? t('connect.popup_blocked') : t('connect.waiting')}</Paragraph>
          <Anchor href={phase.authorizeUrl} isExternal externalIconLabel={t('connect.new_window')}>
            {t('connect.open_link')}
          </Anchor>
        </div>
      )}
      {phase.name === 'finishing' && (
        <Paragraph role="status" style={{ marginTop: 12 }}>
          {t('connect.finishing')}
        </Paragraph>
      )}
      {phase.name === 'timed_out' && (
        <Alert type="warning" role="alert" style={{ marginTop: 12 }}>
          <Alert.Paragraph>{t('connect.timed_out')}</Alert.Paragraph>
        </Alert>
      )}
      {phase.name === 'failed' && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert title={t('connect.failed')} error={phase.error} />
        </div>
      )}
    </>
  );

  const button = (
    <Button isPrimary={!isReconnect} onClick={() => void start()} disabled={busy} style={{ marginTop: 12 }}>
      {phase.name === 'starting' ? t('connect.starting') : buttonLabel}
    </Button>
  );

  if (isReconnect) {
    return (
      <Alert type="warning" style={{ marginBottom: 16 }}>
        <Alert.Title>{t('connect.reconnect_title')}</Alert.Title>
        <Alert.Paragraph>{t('connect.reconnect_body')}</Alert.Paragraph>
        {button}
        {progress}
      </Alert>
    );
  }

  return (
    <section aria-label={t('connect.title')} style={{ maxWidth: 640 }}>
      <Well>
        <LG tag="h2">{t('connect.title')}</LG>
        <Paragraph style={{ marginTop: 8 }}>{t('connect.intro')}</Paragraph>
        <Paragraph style={{ marginTop: 8 }}>{t('connect.what_happens')}</Paragraph>
        {button}
        {progress}
      </Well>
    </section>
  );
}
