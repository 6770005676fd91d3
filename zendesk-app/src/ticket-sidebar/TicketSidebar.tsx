// TicketSidebar (manifest location `ticket_sidebar`, 320 px wide): what SMS the open ticket
// produced, each with its masked recipient, rule, status and carrier reason, and the SMS replies
// to it (masked number, text, media links, whether they reached the ticket); skipped sends with
// their reason; a retry button for failed ones; and, when nothing was sent, the rules that would
// fire. Refreshes on ticket events and on a modest interval while visible, backing off on errors.
// Says so plainly when the account is not connected yet (409 `not_connected`) and shows nothing
// about a ticket the agent may not view (404).
import '../i18n/sidebar-strings.ts';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { MD, SM, UnorderedList } from '@zendeskgarden/react-typography';
import { leftOutNote } from '../../../shared/rules/left-out.ts';
import type { Send, SendStatus, SmsReply } from '../../../shared/schemas/send.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { createSidebarApi, type TicketSendsResponse } from '../api/sidebar-api.ts';
import { createWorkerApi } from '../api/worker-api.ts';
import { hasTranslation, t } from '../i18n/t.ts';
import { formatDateTime } from '../lib/format.ts';
import { waitingText } from '../lib/waiting.ts';
import { usePolling } from '../lib/use-polling.ts';
import { SessionNotice, useSession } from '../session/session-provider.tsx';
import { describeError, ErrorAlert, Loading } from '../ui/common.tsx';
import { useClient } from '../zaf/client-provider.tsx';

export interface TicketSidebarProps {
  /** Regular refresh while visible. */
  pollIntervalMs?: number;
  /** Cap of the back-off after consecutive failures. */
  maxBackoffMs?: number;
  /** Wait after a ticket event, so the worker has received Zendesk's webhook. */
  eventRefreshDelayMs?: number;
}

/** Events after which the sends may have changed. */
const REFRESH_EVENTS = ['ticket.status.changed', 'ticket.submit.done', 'ticket.updated'] as const;
const MIN_HEIGHT_PX = 80;

const STATUS_HUE: Record<SendStatus, string> = {
  reserved: 'grey',
  held: 'yellow',
  sending: 'blue',
  queued: 'blue',
  sent: 'blue',
  delivered: 'green',
  failed: 'red',
  skipped: 'grey',
};

function reasonText(send: Send): string | null {
  if (!send.reason) return null;
  const key = `reasons.${send.reason}`;
  return hasTranslation(key) ? t(key) : send.reason;
}

function replyStatusText(reply: SmsReply): string {
  if (reply.status === 'applied') return t(reply.commentKind === 'internal' ? 'sidebar.reply_status.applied_internal' : 'sidebar.reply_status.applied_public');
  if (reply.status === 'failed') return t('sidebar.reply_status.failed', { detail: reply.detail ?? '' });
  return t('sidebar.reply_status.pending');
}

/** The SMS replies to one send, oldest first: text, masked number, time, media links. */
function Replies({ replies }: { replies: readonly SmsReply[] }) {
  if (replies.length === 0) return null;
  return (
    <ul aria-label={t('sidebar.replies_label')} style={{ margin: '6px 0 0', padding: '0 0 0 8px', borderLeft: '3px solid #d8dcde' }}>
      {replies.map((reply) => (
        <li key={reply.id} data-testid={`reply-${reply.id}`} style={{ listStyle: 'none', padding: '2px 0' }}>
          <SM style={{ color: '#68737d' }}>{t('sidebar.reply_from', { from: reply.fromMasked, time: formatDateTime(reply.receivedAt) })}</SM>
          <SM style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{reply.text}</SM>
          {reply.media.map((m, index) => (
            <SM key={m.url}>
              <a href={m.url} target="_blank" rel="noopener noreferrer">
                {t('sidebar.reply_media', { index: index + 1 })}
              </a>
            </SM>
          ))}
          <SM style={{ color: reply.status === 'failed' ? '#cc3340' : '#68737d' }}>{replyStatusText(reply)}</SM>
        </li>
      ))}
    </ul>
  );
}

function SendItem({
  send,
  isRetrying,
  retryError,
  onRetry,
  onCancel,
}: {
  send: Send;
  isRetrying: boolean;
  /** The last retry or cancel of this send that failed. */
  retryError: { kind: SendAction; error: WorkerApiError } | undefined;
  onRetry: (send: Send) => void;
  onCancel: (send: Send) => void;
}) {
  const reason = reasonText(send);
  const recipient = send.recipientMasked ?? t('sidebar.no_number');
  return (
    <li data-testid={`send-${send.id}`} style={{ listStyle: 'none', padding: '8px 0', borderTop: '1px solid #e9ebed' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
        <MD isBold style={{ overflowWrap: 'anywhere' }}>
          {send.ruleLabel}
        </MD>
        <Tag hue={STATUS_HUE[send.status]} size="small">
          {t(`status.${send.status}`)}
        </Tag>
      </div>
      <SM>{t('sidebar.to', { recipient, kind: t(`recipient_kind.${send.recipientKind}`) })}</SM>
      {reason && <SM>{t('sidebar.reason', { reason })}</SM>}
      {send.detail && <SM>{t('sidebar.detail', { detail: send.detail })}</SM>}
      {send.status === 'held' && send.scheduledFor && <SM>{t('sidebar.scheduled_for', { time: formatDateTime(send.scheduledFor) })}</SM>}
      {send.waitingFor && <SM role="status">{waitingText(send)}</SM>}
      <SM style={{ color: '#68737d' }}>{formatDateTime(send.updatedAt)}</SM>
      {send.status === 'failed' && send.canRetry && (
        <Button size="small" onClick={() => onRetry(send)} disabled={isRetrying} style={{ marginTop: 4 }}>
          {isRetrying ? t('sidebar.retrying') : t('sidebar.retry')}
        </Button>
      )}
      {send.status === 'held' && send.canCancel && (
        <Button size="small" onClick={() => onCancel(send)} disabled={isRetrying} style={{ marginTop: 4 }}>
          {isRetrying ? t('sidebar.cancelling') : t('sidebar.cancel')}
        </Button>
      )}
      <Replies replies={send.replies ?? []} />
      {retryError && (
        <SM role="alert" style={{ color: '#cc3340' }}>
          {t(retryError.kind === 'cancel' ? 'sidebar.cancel_failed' : 'sidebar.retry_failed', { message: describeError(retryError.error) })}
        </SM>
      )}
    </li>
  );
}

/** What an agent may do to one send from the sidebar. */
type SendAction = 'retry' | 'cancel';
/** Interactions waiting out an outage, or that failed before any SMS was decided (issue 12). */
function InteractionNotes({ interactions }: { interactions: TicketSendsResponse['interactions'] }) {
  const notes = interactions.flatMap((i) => {
    const waiting = waitingText(i);
    if (waiting) return [{ id: i.id, text: waiting }];
    if (i.status === 'failed' && i.sends.length === 0) return [{ id: i.id, text: t('sidebar.interaction_failed', { detail: i.detail ?? '' }) }];
    return [];
  });
  return notes.map((n) => (
    <SM key={n.id} role="status" data-testid={`interaction-${n.id}`} style={{ marginTop: 8 }}>
      {n.text}
    </SM>
  ));
}

const FAST_POLL_MS = 5_000;
const IN_FLIGHT = new Set(['reserved', 'sending', 'queued', 'sent']);

/** An interaction still being processed, or a send moving along, updated in the last 2 minutes. */
export function hasRecentActivity(data: TicketSendsResponse | null, nowMs: number): boolean {
  if (!data) return false;
  const recent = (iso: string) => nowMs - Date.parse(iso) < 2 * 60_000;
  return data.interactions.some(
    (i) =>
      ((i.status === 'received' || i.status === 'processing') && recent(i.receivedAt)) ||
      i.sends.some((s) => IN_FLIGHT.has(s.status) && recent(s.updatedAt)),
  );
}

function WouldFire({ rules }: { rules: TicketSendsResponse['wouldFire'] }) {
  if (rules === null) return null;
  if (rules.length === 0) return <SM>{t('sidebar.no_rule_would_fire')}</SM>;
  return (
    <>
      <SM>{t('sidebar.would_fire', { count: rules.length })}</SM>
      <UnorderedList size="small">
        {rules.map((r) => (
          <UnorderedList.Item key={r.ruleId}>{r.label}</UnorderedList.Item>
        ))}
      </UnorderedList>
    </>
  );
}

export function TicketSidebar({ pollIntervalMs = 30_000, maxBackoffMs = 5 * 60_000, eventRefreshDelayMs = 3_000 }: TicketSidebarProps) {
  const { client } = useClient();
  const { session, ended } = useSession();
  const api = useMemo(() => createSidebarApi(createWorkerApi(session)), [session]);
  const [ticketId, setTicketId] = useState<string | null>(null);
  const [data, setData] = useState<TicketSendsResponse | null>(null);
  const [error, setError] = useState<WorkerApiError | null>(null);
  const [isActive, setActive] = useState(true);
  const [retrying, setRetrying] = useState<ReadonlySet<string>>(new Set());
  const [retryErrors, setRetryErrors] = useState<Record<string, { kind: SendAction; error: WorkerApiError }>>({});
  const rootRef = useRef<HTMLDivElement>(null);
  const lastHeight = useRef(0);

  useEffect(() => {
    let active = true;
    client.get('ticket.id').then(
      (result) => {
        const id = result['ticket.id'];
        if (!active) return;
        if (typeof id === 'number' || (typeof id === 'string' && id !== '')) setTicketId(String(id));
        else setError(toWorkerApiError(new Error(t('sidebar.no_ticket'))));
      },
      (reason: unknown) => {
        if (active) setError(toWorkerApiError(reason));
      },
    );
    return () => {
      active = false;
    };
  }, [client]);

  const hasSendsRef = useRef(false);
  const refresh = useCallback(async (): Promise<boolean> => {
    if (ticketId === null) return true;
    try {
      // "Which rules would fire" only for the empty state: it costs the worker a Zendesk call.
      const next = await api.ticketSends(ticketId, { explain: !hasSendsRef.current });
      hasSendsRef.current = next.interactions.some((i) => i.sends.length > 0);
      setData(next);
      setError(null);
      return true;
    } catch (reason) {
      setError(toWorkerApiError(reason));
      return false;
    }
  }, [api, ticketId]);

  const { refreshNow, refreshSoon } = usePolling(refresh, {
    // Faster while something is on its way (a receipt is expected within seconds), for two
    // minutes at most; the slow interval otherwise, so an open ticket costs little.
    intervalMs: hasRecentActivity(data, Date.now()) ? Math.min(FAST_POLL_MS, pollIntervalMs) : pollIntervalMs,
    maxBackoffMs,
    isActive: isActive && ticketId !== null && ended === null,
  });

  useEffect(() => {
    const onChange = () => refreshSoon(eventRefreshDelayMs);
    // ticket.save handlers may veto the save: answer true so saving is never blocked.
    const onSave = () => {
      refreshSoon(eventRefreshDelayMs);
      return true;
    };
    const onActivated = () => setActive(true);
    const onDeactivated = () => setActive(false);
    for (const name of REFRESH_EVENTS) client.on(name, onChange);
    client.on('ticket.save', onSave);
    client.on('app.activated', onActivated);
    client.on('app.deactivated', onDeactivated);
    return () => {
      for (const name of REFRESH_EVENTS) client.off(name, onChange);
      client.off('ticket.save', onSave);
      client.off('app.activated', onActivated);
      client.off('app.deactivated', onDeactivated);
    };
  }, [client, refreshSoon, eventRefreshDelayMs]);

  const retry = useCallback(
    async (send: Send, kind: SendAction = 'retry') => {
      setRetrying((s) => new Set(s).add(send.id));
      setRetryErrors(({ [send.id]: _dropped, ...rest }) => rest);
      try {
        const updated = kind === 'cancel' ? await api.cancelSend(send.id) : await api.retrySend(send.id);
        setData(
          (d) =>
            d && {
              ...d,
              interactions: d.interactions.map((i) => ({
                ...i,
                // The retry answer has no replies: keep the ones shown.
                sends: i.sends.map((s) => (s.id === updated.id ? { ...updated, replies: s.replies } : s)),
              })),
            },
        );
      } catch (reason) {
        setRetryErrors((e) => ({ ...e, [send.id]: { kind, error: toWorkerApiError(reason) } }));
      } finally {
        setRetrying((s) => {
          const next = new Set(s);
          next.delete(send.id);
          return next;
        });
      }
    },
    [api],
  );

  // Fit the iframe to the content after every render that may change its height.
  useLayoutEffect(() => {
    const height = Math.max(MIN_HEIGHT_PX, Math.ceil(rootRef.current?.scrollHeight ?? 0));
    if (height !== lastHeight.current) {
      lastHeight.current = height;
      void client.invoke('resize', { width: '100%', height: `${height}px` });
    }
  });

  const sends = data?.interactions.flatMap((i) => i.sends) ?? [];
  // Matching rules past one interaction's recipient budget were not run: said here, not dropped.
  const leftOut = data?.interactions.flatMap((i) => {
    const note = leftOutNote(i.detail);
    return note ? [{ id: i.id, note }] : [];
  }) ?? [];
  // Answers that are states, not failures: no retry button, no worker message.
  const notConnected = error?.code === 'not_connected';
  const notVisible = error?.status === 404 && ticketId !== null;
  // The session notice covers an ended session.
  const failure = notConnected || notVisible || error?.code === 'session_ended' ? null : error;

  return (
    <div ref={rootRef} style={{ padding: '4px 2px 8px' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <MD isBold>{t('sidebar.title')}</MD>
        {data && (
          <Button size="small" isBasic onClick={() => void refreshNow()}>
            {t('sidebar.refresh')}
          </Button>
        )}
      </div>
      <SessionNotice />
      {notConnected && (
        <Alert type="info" role="status" style={{ marginTop: 8 }}>
          <Alert.Paragraph>{t('sidebar.not_connected')}</Alert.Paragraph>
        </Alert>
      )}
      {notVisible && <SM style={{ marginTop: 8 }}>{t('sidebar.not_visible')}</SM>}
      {failure && (
        <ErrorAlert title={t('sidebar.load_failed')} error={failure} onRetry={ticketId === null ? undefined : () => void refreshNow()} />
      )}
      {!data && !error && !ended && <Loading />}
      {data && !notConnected && !notVisible && <InteractionNotes interactions={data.interactions} />}
      {data && !notConnected && !notVisible && sends.length === 0 && (
        <Alert type="info" style={{ marginTop: 8 }}>
          <Alert.Paragraph>{t('sidebar.empty')}</Alert.Paragraph>
          <WouldFire rules={data.wouldFire} />
        </Alert>
      )}
      {data && !notConnected && !notVisible && sends.length > 0 && (
        <ul aria-label={t('sidebar.list_label')} style={{ margin: 0, padding: 0 }}>
          {sends.map((send) => (
            <SendItem
              key={send.id}
              send={send}
              isRetrying={retrying.has(send.id)}
              retryError={retryErrors[send.id]}
              onRetry={(s) => void retry(s)}
              onCancel={(s) => void retry(s, 'cancel')}
            />
          ))}
        </ul>
      )}
      {leftOut.map((l) => (
        <SM key={l.id} role="note" style={{ marginTop: 8 }}>
          {l.note}
        </SM>
      ))}
    </div>
  );
}
