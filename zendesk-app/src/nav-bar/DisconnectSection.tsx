// The Setup tab's Disconnect (admins only): what a disconnect deletes (GET /v1/installation), in a
// modal where the admin types the account's subdomain to confirm; then DELETE /v1/installation
// with `{ confirmSubdomain }` removes the webhook and triggers from Zendesk, revokes the app's
// authorization and deletes the installation with all its rules, sends and audit entries.
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Modal } from '@zendeskgarden/react-modals';
import { Paragraph } from '@zendeskgarden/react-typography';
import type { InstallationSummary } from '../../../shared/schemas/api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { ErrorAlert } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { Section } from './form-parts.tsx';

function ZendeskItems({ webhooks, triggers }: InstallationSummary['zendesk']) {
  if (webhooks > 0) return <li>{t('disconnect.webhook_and_triggers', { count: triggers })}</li>;
  if (triggers > 0) return <li>{t('disconnect.triggers', { count: triggers })}</li>;
  return null;
}

function ConfirmDisconnect({
  summary,
  onClose,
  onDisconnected,
}: {
  summary: InstallationSummary;
  onClose: () => void;
  onDisconnected: () => void;
}) {
  const { api } = useAdmin();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const account = `${summary.subdomain}.zendesk.com`;
  const matches = typed.trim() === summary.subdomain;

  async function disconnect() {
    setBusy(true);
    setFailure(null);
    try {
      await api.disconnect(typed.trim());
      onDisconnected();
    } catch (reason) {
      setFailure(toWorkerApiError(reason));
      setBusy(false);
    }
  }

  return (
    <Modal onClose={busy ? undefined : onClose} aria-label={t('disconnect.title', { account })}>
      <Modal.Header isDanger>{t('disconnect.title', { account })}</Modal.Header>
      <Modal.Body>
        <Paragraph>{t('disconnect.deletes')}</Paragraph>
        <ul data-testid="disconnect-deletes" style={{ margin: '8px 0', paddingLeft: 20 }}>
          <li>{t('disconnect.rules', { count: summary.counts.rules })}</li>
          <li>{t('disconnect.sends', { count: summary.counts.sends })}</li>
          <li>{t('disconnect.audit', { count: summary.counts.auditEntries })}</li>
          <ZendeskItems {...summary.zendesk} />
          <li>{t('disconnect.oauth')}</li>
        </ul>
        <Paragraph>{t('disconnect.after')}</Paragraph>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (matches && !busy) void disconnect();
          }}
        >
          <Field style={{ marginTop: 16 }}>
            <Field.Label>{t('disconnect.type_label', { subdomain: summary.subdomain })}</Field.Label>
            <Input value={typed} autoComplete="off" spellCheck={false} disabled={busy} onChange={(e) => setTyped(e.target.value)} />
          </Field>
        </form>
        {failure && (
          <div style={{ marginTop: 12 }}>
            <ErrorAlert title={t('disconnect.failed')} error={failure} />
          </div>
        )}
      </Modal.Body>
      <Modal.Footer>
        <Modal.FooterItem>
          <Button isBasic onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
        </Modal.FooterItem>
        <Modal.FooterItem>
          <Button isPrimary isDanger disabled={!matches || busy} onClick={() => void disconnect()}>
            {busy ? t('disconnect.working') : t('disconnect.confirm')}
          </Button>
        </Modal.FooterItem>
      </Modal.Footer>
      {!busy && <Modal.Close aria-label={t('common.close')} />}
    </Modal>
  );
}

export function DisconnectSection({ onDisconnected }: { onDisconnected: () => void }) {
  const { api } = useAdmin();
  const [summary, setSummary] = useState<InstallationSummary | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<WorkerApiError | null>(null);

  async function open() {
    setLoading(true);
    setFailure(null);
    try {
      setSummary(await api.installationSummary());
    } catch (reason) {
      setFailure(toWorkerApiError(reason));
    } finally {
      setLoading(false);
    }
  }

  return (
    <Section title={t('disconnect.section_title')}>
      <Paragraph>{t('disconnect.intro')}</Paragraph>
      <Button isDanger onClick={() => void open()} disabled={loading} style={{ marginTop: 8 }}>
        {loading ? t('common.loading') : t('disconnect.button')}
      </Button>
      {failure && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert title={t('disconnect.summary_failed')} error={failure} />
        </div>
      )}
      {summary && (
        <ConfirmDisconnect
          summary={summary}
          onClose={() => setSummary(null)}
          onDisconnected={() => {
            setSummary(null);
            onDisconnected();
          }}
        />
      )}
    </Section>
  );
}
