// SessionProvider: the worker session of this page, for the whole tree (useSession). Reads the
// SessionGrant the worker put into the page (or takes one from a test), refreshes it on time,
// and when it has ended keeps what the user was typing (useDraftKeeper) in sessionStorage;
// <SessionNotice /> then says so where each location shows it. Without a valid grant the page
// was not opened from Zendesk: it shows only that.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert } from '@zendeskgarden/react-notifications';
import type { SessionGrant } from '../../../shared/schemas/api.ts';
import { t } from '../i18n/t.ts';
import { saveDraft } from './drafts.ts';
import { readSessionGrant, Session, type FetchLike, type SessionLocation } from './session.ts';

/** What a form keeps when the session ends: its content and whose it is; null when unchanged. */
export type DraftSnapshot = { owner: string; value: unknown } | null;

export interface SessionContextValue {
  session: Session;
  location: SessionLocation;
  /** Null while the session lives; once ended, whether any form's content was kept. */
  ended: { keptDrafts: boolean } | null;
  /** Registers a form's snapshot function; returns the unregister function. */
  keepDraft: (what: string, snapshot: () => DraftSnapshot) => () => void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export interface SessionProviderProps {
  /** Injected in tests; in Zendesk the grant comes from the page's `pisms-session` meta tag. */
  grant?: SessionGrant;
  /** Injected in tests; default globalThis.fetch. */
  fetch?: FetchLike;
  refreshLeadMs?: number;
  children: ReactNode;
}

function NotOpenedFromZendesk() {
  return (
    <Alert type="error" role="alert" style={{ margin: 16 }}>
      <Alert.Title>{t('session.missing_title')}</Alert.Title>
      <Alert.Paragraph>{t('session.missing_body')}</Alert.Paragraph>
    </Alert>
  );
}

/** Says that the session has ended (and that unsaved changes were kept), or nothing. */
export function SessionNotice() {
  const { ended } = useSession();
  if (!ended) return null;
  return (
    <Alert type="warning" role="alert" style={{ marginBottom: 12 }}>
      <Alert.Title>{t('session.ended_title')}</Alert.Title>
      <Alert.Paragraph>{ended.keptDrafts ? t('session.ended_body_kept') : t('session.ended_body')}</Alert.Paragraph>
      <Alert.Paragraph>{t('session.reload_hint')}</Alert.Paragraph>
    </Alert>
  );
}

export function SessionProvider({ grant, fetch, refreshLeadMs, children }: SessionProviderProps) {
  const [session] = useState<Session | null>(() => {
    const reading = grant ? ({ ok: true, grant } as const) : readSessionGrant();
    return reading.ok ? new Session({ grant: reading.grant, fetch, refreshLeadMs }) : null;
  });
  const [ended, setEnded] = useState<{ keptDrafts: boolean } | null>(null);
  const keepers = useRef(new Map<number, { what: string; snapshot: () => DraftSnapshot }>());
  const nextKeeper = useRef(0);

  useEffect(() => {
    if (!session) return;
    const unsubscribe = session.subscribe((event) => {
      if (event.type !== 'ended') return;
      let keptDrafts = false;
      for (const { what, snapshot } of keepers.current.values()) {
        const draft = snapshot();
        if (draft && saveDraft(session.location, what, draft.owner, draft.value)) keptDrafts = true;
      }
      setEnded({ keptDrafts });
    });
    session.start();
    return () => {
      unsubscribe();
      session.stop();
    };
  }, [session]);

  const keepDraft = useCallback((what: string, snapshot: () => DraftSnapshot) => {
    const id = nextKeeper.current++;
    keepers.current.set(id, { what, snapshot });
    return () => {
      keepers.current.delete(id);
    };
  }, []);

  const value = useMemo<SessionContextValue | null>(
    () => (session ? { session, location: session.location, ended, keepDraft } : null),
    [session, ended, keepDraft],
  );

  if (!value) return <NotOpenedFromZendesk />;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/**
 * Keeps a form's content when the session ends: `snapshot` (read at that moment, so always the
 * latest) returns what to save, or null when there is nothing unsaved. What is typed after the
 * end (the form stays usable, only saving fails) is kept too.
 */
export function useDraftKeeper(what: string, snapshot: () => DraftSnapshot): void {
  const { keepDraft, ended, location } = useSession();
  const latest = useRef(snapshot);
  latest.current = snapshot;
  useEffect(() => keepDraft(what, () => latest.current()), [keepDraft, what]);
  useEffect(() => {
    if (!ended) return;
    const draft = latest.current();
    if (draft) saveDraft(location, what, draft.owner, draft.value);
  });
}
