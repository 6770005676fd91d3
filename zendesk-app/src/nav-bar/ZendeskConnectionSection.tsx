// The Setup tab's Zendesk part: whether the account is connected (Connect happens before the
// tabs, Reconnect in the alert above them), the button that creates the webhook and triggers
// (pressed again, it finds, keeps and repairs them; the checklist above shows their health),
// and the webhook URLs.
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { Code, MD, Paragraph, SM } from '@zendeskgarden/react-typography';
import type { ZendeskSetupHealth, ZendeskSetupResult } from '../api/admin-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { ErrorAlert } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { Section } from './form-parts.tsx';

export function ZendeskConnectionSection({
  isAdmin,
  onSetUp,
}: {
  isAdmin: boolean;
  /** Called after Setup ran, with the health it read back (absent from an older worker). */
  onSetUp?: (health: ZendeskSetupHealth | undefined) => void;
}) {
  const { api, me, settings } = useAdmin();
  const [result, setResult] = useState<ZendeskSetupResult | null>(null);
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const state = settings.connection.zendesk.state;
  const account = `${me.subdomain}.zendesk.com`;

  async function run() {
    setFailure(null);
    setBusy(true);
    try {
      const answer = await api.setUpZendesk();
      setResult(answer);
      onSetUp?.(answer.health);
    } catch (reason) {
      setFailure(toWorkerApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('setup.zendesk_title')}>
      <Well isRecessed data-testid="zendesk-status">
        <MD>
          {state === 'connected'
            ? t('setup.zendesk_connected', { account })
            : state === 'reconnect_needed'
              ? t('setup.zendesk_reconnect_needed', { account })
              : t('setup.zendesk_not_connected')}
        </MD>
        <SM>{t('setup.zendesk_oauth_hint')}</SM>
      </Well>
      <Paragraph style={{ marginTop: 12 }}>{t('setup.zendesk_intro')}</Paragraph>
      <Button onClick={() => void run()} disabled={!isAdmin || busy || state !== 'connected'} style={{ marginTop: 8 }}>
        {busy ? t('setup.zendesk_creating') : t('setup.zendesk_create')}
      </Button>
      {result && (
        <Alert type="success" style={{ marginTop: 12 }}>
          <Alert.Paragraph>
            {result.changes && !result.changes.webhookCreated
              ? t('setup.zendesk_kept', {
                  webhookId: result.webhookId,
                  created: result.changes.triggersCreated,
                  repaired: result.changes.triggersRepaired,
                  removed: result.changes.triggersRemoved,
                })
              : t('setup.zendesk_created', { webhookId: result.webhookId, count: result.triggerIds.length })}
          </Alert.Paragraph>
        </Alert>
      )}
      {failure && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert title={t('setup.zendesk_failed')} error={failure} />
        </div>
      )}
      <div style={{ marginTop: 12 }}>
        <SM>{t('setup.webhook_telnyx')}</SM>
        <Code data-testid="telnyx-webhook-url">{settings.webhookUrls.telnyx}</Code>
        <SM style={{ marginTop: 4 }}>{t('setup.webhook_zendesk')}</SM>
        <Code>{settings.webhookUrls.zendesk}</Code>
      </div>
    </Section>
  );
}
