// NavBar (manifest location `nav_bar`): the admin screen. Until an admin connects the Zendesk
// account (GET /v1/me says `not_connected`) it shows Connect; after Zendesk refused the token
// (`reconnect_needed`) a Reconnect alert. Once connected, admins and supervisors (as the worker
// says) get the tabs Rules, Setup, Report, Audit, Needs attention and Limits & privacy (with a
// banner while the daily SMS budget holds sends); agents are told to ask an admin. A form kept when the
// session ended (sessionStorage) opens its tab again.
import '../i18n/admin-strings.ts';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tab, TabList, TabPanel, Tabs } from '@zendeskgarden/react-tabs';
import { XL } from '@zendeskgarden/react-typography';
import type { Me } from '../../../shared/schemas/api.ts';
import { createAdminApi, type SettingsResponse } from '../api/admin-api.ts';
import { WorkerApiError } from '../api/errors.ts';
import { createWorkerApi } from '../api/worker-api.ts';
import { createZendeskApi } from '../api/zendesk-api.ts';
import { t } from '../i18n/t.ts';
import { useAsync } from '../lib/use-async.ts';
import { DRAFT_RULE, DRAFT_SETTINGS, draftOwner, loadDraft } from '../session/drafts.ts';
import { SessionNotice, useSession } from '../session/session-provider.tsx';
import { ErrorAlert, Loading } from '../ui/common.tsx';
import { useClient } from '../zaf/client-provider.tsx';
import type { ZafClient } from '../zaf/types.ts';
import { AdminProvider, type AdminContextValue } from './admin-context.tsx';
import { AttentionTab } from './AttentionTab.tsx';
import { AuditTab } from './AuditTab.tsx';
import { BudgetBanner } from './BudgetBanner.tsx';
import { LimitsTab } from './LimitsTab.tsx';
import { ConnectZendesk } from './ConnectZendesk.tsx';
import { StoredRuleDraft } from './rule-draft.ts';
import { ReportTab } from './ReportTab.tsx';
import { RulesTab } from './RulesTab.tsx';
import { StoredSettingsDraft } from './settings-draft.ts';
import { SetupTab } from './SetupTab.tsx';

type TabKey = 'rules' | 'setup' | 'report' | 'audit' | 'attention' | 'limits';

export interface NavBarProps {
  /** How often Connect asks /v1/me while the consent window is open. */
  connectPollIntervalMs?: number;
  /** How long Connect keeps asking. */
  connectTimeoutMs?: number;
}

function Denied() {
  return (
    <Alert type="warning" role="alert">
      <Alert.Title>{t('admin.denied_title')}</Alert.Title>
      <Alert.Paragraph>{t('admin.denied_body')}</Alert.Paragraph>
    </Alert>
  );
}

/** Admins and supervisors may manage rules; the worker decides who is which. */
function mayManage(me: Me): boolean {
  return me.canManageRules && (me.role === 'admin' || me.role === 'supervisor');
}

/** The Zendesk role of the user as ZAF reports it: only to choose what to show before Connect. */
async function zafRole(client: ZafClient): Promise<string | null> {
  try {
    const user = (await client.get('currentUser')).currentUser as { role?: unknown } | undefined;
    return typeof user?.role === 'string' ? user.role : null;
  } catch {
    return null;
  }
}

export function NavBar({ connectPollIntervalMs = 1_500, connectTimeoutMs = 10 * 60_000 }: NavBarProps) {
  const { client } = useClient();
  const { session, location } = useSession();
  const api = useMemo(() => createAdminApi(createWorkerApi(session)), [session]);
  const zendesk = useMemo(() => createZendeskApi(client), [client]);
  const [tab, setTab] = useState<TabKey | null>(null);

  const { state, reload, setData } = useAsync(async (): Promise<{
    me: Me;
    role: string | null;
    settings: SettingsResponse | null;
    initialTab: TabKey;
  }> => {
    const me = await api.me();
    const role = me.connection === 'connected' ? me.role : (me.role ?? (await zafRole(client)));
    if (me.connection === 'not_connected' || !mayManage(me)) {
      return { me, role, settings: null, initialTab: 'rules' };
    }
    let settings: SettingsResponse;
    try {
      settings = await api.readSettings();
    } catch (reason) {
      // Disconnected since /v1/me answered (another admin, another tab): offer Connect.
      if (!(reason instanceof WorkerApiError && reason.code === 'not_connected')) throw reason;
      return { me: { ...me, connection: 'not_connected' }, role: me.role, settings: null, initialTab: 'rules' };
    }
    // A form kept when the last session ended opens where it was.
    const owner = draftOwner(me);
    const initialTab: TabKey = loadDraft(location, DRAFT_RULE, owner, StoredRuleDraft)
      ? 'rules'
      : loadDraft(location, DRAFT_SETTINGS, owner, StoredSettingsDraft)
        ? 'setup'
        : 'rules';
    return { me, role, settings, initialTab };
  }, [api, client, location]);

  const setSettings = useCallback((settings: SettingsResponse) => setData((d) => ({ ...d, settings })), [setData]);

  const onConnected = useCallback(() => {
    setTab('setup');
    reload();
  }, [reload]);

  const onDisconnected = useCallback(() => {
    setTab(null);
    reload();
  }, [reload]);

  const me = state.data?.me;
  const settings = state.data?.settings;
  const context = useMemo<AdminContextValue | null>(
    () => (me && settings ? { api, zendesk, me, settings, setSettings } : null),
    [api, zendesk, me, settings, setSettings],
  );
  const currentTab = tab ?? state.data?.initialTab ?? 'rules';

  const connect = (mode: 'connect' | 'reconnect', role: string | null) => (
    <ConnectZendesk
      api={api}
      mode={mode}
      isAdmin={role === 'admin'}
      pollIntervalMs={connectPollIntervalMs}
      timeoutMs={connectTimeoutMs}
      onConnected={onConnected}
    />
  );

  let body: ReactNode = null;
  if (state.status === 'error' && state.error.code === 'forbidden') {
    body = <Denied />;
  } else if (state.status === 'error' && !state.data) {
    body = <ErrorAlert title={t('admin.load_failed')} error={state.error} onRetry={reload} />;
  } else if (!state.data) {
    body = <Loading />;
  } else if (state.data.me.connection === 'not_connected') {
    body = connect('connect', state.data.role);
  } else {
    const reconnect = state.data.me.connection === 'reconnect_needed' ? connect('reconnect', state.data.role) : null;
    let content: ReactNode = null;
    if (!mayManage(state.data.me)) {
      // While reconnecting the worker may not know the role: the alert says what to do.
      content = reconnect ? null : <Denied />;
    } else if (context) {
      content = (
        <AdminProvider value={context}>
          <BudgetBanner onOpen={() => setTab('limits')} />
          <Tabs selectedItem={currentTab} onChange={(item: TabKey) => setTab(item)}>
            <TabList>
              <Tab item="rules">{t('admin.tab_rules')}</Tab>
              <Tab item="setup">{t('admin.tab_setup')}</Tab>
              <Tab item="report">{t('admin.tab_report')}</Tab>
              <Tab item="audit">{t('admin.tab_audit')}</Tab>
              <Tab item="attention">{t('admin.tab_attention')}</Tab>
              <Tab item="limits">{t('admin.tab_limits')}</Tab>
            </TabList>
            <TabPanel item="rules">{currentTab === 'rules' && <RulesTab onOpenSetup={() => setTab('setup')} />}</TabPanel>
            <TabPanel item="setup">{currentTab === 'setup' && <SetupTab onDisconnected={onDisconnected} />}</TabPanel>
            <TabPanel item="report">{currentTab === 'report' && <ReportTab />}</TabPanel>
            <TabPanel item="audit">{currentTab === 'audit' && <AuditTab />}</TabPanel>
            <TabPanel item="attention">{currentTab === 'attention' && <AttentionTab />}</TabPanel>
            <TabPanel item="limits">{currentTab === 'limits' && <LimitsTab />}</TabPanel>
          </Tabs>
        </AdminProvider>
      );
    }
    body = (
      <>
        {reconnect}
        {content}
      </>
    );
  }

  return (
    <main style={{ padding: 24, maxWidth: 1100 }}>
      <XL tag="h1" style={{ marginBottom: 16 }}>
        {t('admin.title')}
      </XL>
      <SessionNotice />
      {body}
    </main>
  );
}
