// The Setup tab's SMS part: the Telnyx connection status, the write-only credentials form, and,
// when the worker runs with a local SMS sandbox (`npm start`), a button that connects to it.
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { MD, Paragraph, SM } from '@zendeskgarden/react-typography';
import { type ConnectionStatus, TelnyxCredentials } from '../../../shared/schemas/settings.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { fromApiFields, fromZodError, type FieldErrors } from '../lib/field-errors.ts';
import { useAdmin } from './admin-context.tsx';
import { Message, SaveOutcome, Section } from './form-parts.tsx';

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
