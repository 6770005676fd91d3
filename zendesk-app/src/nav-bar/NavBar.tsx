// NavBar (manifest location `nav_bar`): the admin screen. Only admins and supervisors (as the
// worker's /v1/me says) get the tabs Rules, Setup and Audit; agents are told to ask an admin.
import '../i18n/admin-strings.ts';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tab, TabList, TabPanel, Tabs } from '@zendeskgarden/react-tabs';
import { XL } from '@zendeskgarden/react-typography';
import { createAdminApi, type SettingsResponse } from '../api/admin-api.ts';
import { createWorkerApi } from '../api/worker-api.ts';
import { createZendeskApi } from '../api/zendesk-api.ts';
import { t } from '../i18n/t.ts';
import { useAsync } from '../lib/use-async.ts';
import { ErrorAlert, Loading } from '../ui/common.tsx';
import { useClient } from '../zaf/client-provider.tsx';
import { AdminProvider, type AdminContextValue } from './admin-context.tsx';
import { AuditTab } from './AuditTab.tsx';
import { RulesTab } from './RulesTab.tsx';
import { SetupTab } from './SetupTab.tsx';

type TabKey = 'rules' | 'setup' | 'audit';

function Denied() {
  return (
    <Alert type="warning" role="alert">
      <Alert.Title>{t('admin.denied_title')}</Alert.Title>
      <Alert.Paragraph>{t('admin.denied_body')}</Alert.Paragraph>
    </Alert>
  );
}

/** Admins and supervisors may manage rules; the worker decides who is which. */
function mayManage(me: { role: string; canManageRules: boolean }): boolean {
  return me.canManageRules && (me.role === 'admin' || me.role === 'supervisor');
}

export function NavBar() {
  const { client } = useClient();
  const api = useMemo(() => createAdminApi(createWorkerApi(client)), [client]);
  const zendesk = useMemo(() => createZendeskApi(client), [client]);
  const [tab, setTab] = useState<TabKey>('rules');

  const { state, reload, setData } = useAsync(async () => {
    const me = await api.me();
    if (!mayManage(me)) return { me, settings: null };
    return { me, settings: await api.readSettings() };
  }, [api]);

  const setSettings = useCallback((settings: SettingsResponse) => setData((d) => ({ ...d, settings })), [setData]);

  const me = state.data?.me;
  const settings = state.data?.settings;
  const context = useMemo<AdminContextValue | null>(
    () => (me && settings ? { api, zendesk, me, settings, setSettings } : null),
    [api, zendesk, me, settings, setSettings],
  );

  let body: ReactNode = null;
  if (state.status === 'error' && state.error.code === 'forbidden') {
    body = <Denied />;
  } else if (state.status === 'error' && !state.data) {
    body = <ErrorAlert title={t('admin.load_failed')} error={state.error} onRetry={reload} />;
  } else if (!state.data) {
    body = <Loading />;
  } else if (!mayManage(state.data.me)) {
    body = <Denied />;
  } else if (context) {
    body = (
      <AdminProvider value={context}>
        <Tabs selectedItem={tab} onChange={(item: TabKey) => setTab(item)}>
          <TabList>
            <Tab item="rules">{t('admin.tab_rules')}</Tab>
            <Tab item="setup">{t('admin.tab_setup')}</Tab>
            <Tab item="audit">{t('admin.tab_audit')}</Tab>
          </TabList>
          <TabPanel item="rules">{tab === 'rules' && <RulesTab onOpenSetup={() => setTab('setup')} />}</TabPanel>
          <TabPanel item="setup">{tab === 'setup' && <SetupTab />}</TabPanel>
          <TabPanel item="audit">{tab === 'audit' && <AuditTab />}</TabPanel>
        </Tabs>
      </AdminProvider>
    );
  }

  return (
    <main style={{ padding: 24, maxWidth: 1100 }}>
      <XL tag="h1" style={{ marginBottom: 16 }}>
        {t('admin.title')}
      </XL>
      {body}
    </main>
  );
}
