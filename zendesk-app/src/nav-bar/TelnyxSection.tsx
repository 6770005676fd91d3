// The Setup tab's SMS part: the Telnyx connection status, the profile's senders with whether each
// can text US recipients (10DLC campaign / toll-free verification, as the worker reads them from
// Telnyx), the write-only credentials form, and, when the worker runs with a local SMS sandbox
// (`npm start`), a button that connects to it.
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { Table } from '@zendeskgarden/react-tables';
import { MD, Paragraph, SM } from '@zendeskgarden/react-typography';
import { type ConnectionStatus, TelnyxCredentials } from '../../../shared/schemas/settings.ts';
import type { SenderType, UsReach } from '../../../shared/schemas/telnyx.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { useAsync } from '../lib/use-async.ts';
import { fromApiFields, fromZodError, type FieldErrors } from '../lib/field-errors.ts';
import { ErrorAlert } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { Message, SaveOutcome, Section } from './form-parts.tsx';
import { UsReachTag, usReasonText } from './us-reach.tsx';

/** The messaging profile's senders and whether each can text US recipients. */
function SenderList() {
  const { api, settings } = useAdmin();
  const telnyx = settings.connection.telnyx;
  const connected = telnyx.messagingProfileId !== null && (telnyx.apiKeySet || telnyx.sandboxAvailable);
  const senders = useAsync(
    () => (connected ? api.listTelnyxNumbers() : Promise.resolve(null)),
    [api, connected, telnyx.messagingProfileId, telnyx.apiKeyHint],
  );
  if (!connected) return null;
  const data = senders.state.data;
  const rows: Array<{ sender: string; type: SenderType; us: UsReach }> = data
    ? [
        ...data.numbers.map((n) => ({ sender: n.phoneNumber, type: n.type, us: n.us })),
        ...data.alphanumericSenders.map((a) => ({ sender: a.senderId, type: 'alphanumeric' as const, us: a.us })),
      ]
    : [];
  return (
    <section aria-label={t('setup.senders_title')} style={{ marginTop: 16 }}>
      <MD isBold>{t('setup.senders_title')}</MD>
      <SM style={{ color: '#68737d' }}>{t('setup.senders_intro')}</SM>
      {senders.state.status === 'error' && (
        <div style={{ marginTop: 8 }}>
          <ErrorAlert title={t('setup.senders_failed')} error={senders.state.error} onRetry={senders.reload} />
        </div>
      )}
      {senders.state.status === 'loading' && !data && <SM role="status">{t('setup.senders_loading')}</SM>}
      {data && rows.length === 0 && <SM>{t('setup.senders_empty')}</SM>}
      {rows.length > 0 && (
        <Table aria-label={t('setup.senders_table')} size="small" style={{ marginTop: 8 }}>
          <Table.Head>
            <Table.HeaderRow>
              <Table.HeaderCell>{t('setup.sender_column')}</Table.HeaderCell>
              <Table.HeaderCell>{t('setup.type_column')}</Table.HeaderCell>
              <Table.HeaderCell>{t('setup.us_column')}</Table.HeaderCell>
            </Table.HeaderRow>
          </Table.Head>
          <Table.Body>
            {rows.map((row) => (
              <Table.Row key={`${row.type}:${row.sender}`} data-testid={`sender-${row.sender}`}>
                <Table.Cell>{row.sender}</Table.Cell>
                <Table.Cell>{t(`setup.sender_type.${row.type}`)}</Table.Cell>
                <Table.Cell>
                  <UsReachTag us={row.us} />
                  <SM>{usReasonText(row.us)}</SM>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </section>
  );
}

/**
 * The connection in words. The sandbox sends with the worker's own key, so a sandbox worker's
 * installation with a messaging profile but no key of its own is on the sandbox.
 */
function telnyxStatus(telnyx: ConnectionStatus['telnyx']): string {
  if (telnyx.apiKeySet) return t('setup.telnyx_connected', { hint: (telnyx.apiKeyHint ?? '????').replace(/^…/, '') });
  if (telnyx.sandboxAvailable && telnyx.messagingProfileId !== null) return t('setup.telnyx_sandbox');
  return t('setup.telnyx_not_connected');
}

export function TelnyxSection({ isAdmin }: { isAdmin: boolean }) {
  const { api, settings, setSettings } = useAdmin();
  const telnyx = settings.connection.telnyx;
  const [form, setForm] = useState({ apiKey: '', messagingProfileId: '', publicKey: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sandboxSaved, setSandboxSaved] = useState(false);

  async function connectSandbox() {
    setSaved(false);
    setSandboxSaved(false);
    setFailure(null);
    setErrors({});
    setBusy(true);
    try {
      setSettings(await api.connectTelnyxSandbox());
      setSandboxSaved(true);
    } catch (reason) {
      setFailure(toWorkerApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    setSandboxSaved(false);
    setSaved(false);
    setFailure(null);
    const credentials: TelnyxCredentials = {};
    if (form.apiKey.trim() !== '') credentials.apiKey = form.apiKey;
    if (form.messagingProfileId.trim() !== '') credentials.messagingProfileId = form.messagingProfileId;
    if (form.publicKey.trim() !== '') credentials.publicKey = form.publicKey;
    const parsed = TelnyxCredentials.safeParse(credentials);
    if (!parsed.success) {
      setErrors(fromZodError(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      setSettings(await api.connectTelnyx(parsed.data));
      setForm({ apiKey: '', messagingProfileId: '', publicKey: '' }); // never kept in the page
      setSaved(true);
    } catch (reason) {
      const error = toWorkerApiError(reason);
      setErrors(fromApiFields(error.fields));
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const nothingTyped = Object.values(form).every((v) => v.trim() === '');
  const input = (name: keyof typeof form, label: string, hint: string) => (
    <Field>
      <Field.Label>{label}</Field.Label>
      <Field.Hint>{hint}</Field.Hint>
      <Input
        type="password"
        autoComplete="off"
        value={form[name]}
        validation={errors[name] ? 'error' : undefined}
        onChange={(e) => {
          const value = e.target.value;
          setForm((f) => ({ ...f, [name]: value }));
        }}
      />
      <Message text={errors[name]} />
    </Field>
  );

  return (
    <Section title={t('setup.telnyx_title')}>
      <Well isRecessed data-testid="telnyx-status">
        <MD>{telnyxStatus(telnyx)}</MD>
        <SM>
          {t('setup.telnyx_profile', { profile: telnyx.messagingProfileId ?? t('setup.not_set') })} ·{' '}
          {telnyx.publicKeySet ? t('setup.public_key_set') : t('setup.public_key_missing')}
        </SM>
      </Well>
      <SenderList />
      {telnyx.sandboxAvailable && isAdmin && (
        <div style={{ marginTop: 12 }}>
          <Paragraph>{t('setup.sandbox_intro')}</Paragraph>
          <Button onClick={() => void connectSandbox()} disabled={busy} style={{ marginTop: 8 }}>
            {t('setup.sandbox_button')}
          </Button>
          {sandboxSaved && (
            <Alert type="success" style={{ marginTop: 12 }}>
              <Alert.Paragraph>{t('setup.sandbox_connected')}</Alert.Paragraph>
            </Alert>
          )}
        </div>
      )}
      <form
        noValidate
        aria-label={t('setup.telnyx_form')}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset disabled={!isAdmin || busy} style={{ border: 0, padding: 0, margin: '12px 0 0' }}>
          <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            {input('apiKey', t('setup.api_key'), t('setup.api_key_hint'))}
            {input('messagingProfileId', t('setup.profile_id'), t('setup.profile_id_hint'))}
            {input('publicKey', t('setup.public_key'), t('setup.public_key_hint'))}
          </div>
          <Button type="submit" style={{ marginTop: 12 }} disabled={nothingTyped}>
            {busy ? t('common.saving') : t('setup.telnyx_save')}
          </Button>
        </fieldset>
      </form>
      <SaveOutcome saved={saved} failure={failure} savedText={t('setup.telnyx_saved')} failedTitle={t('setup.telnyx_failed')} />
    </Section>
  );
}
