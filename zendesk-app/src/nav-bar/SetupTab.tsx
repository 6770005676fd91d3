// SetupTab: connect Telnyx (write-only credentials), create the Zendesk webhook and triggers,
// and the installation-wide settings. Only admins may change setup; supervisors see it read-only.
import { useMemo, useState } from 'react';
import { getCountries } from 'libphonenumber-js/min';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field, Fieldset, Input, Select, Toggle } from '@zendeskgarden/react-forms';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { Code, MD, Paragraph, SM } from '@zendeskgarden/react-typography';
import { SettingsPatch, TelnyxCredentials } from '../../../shared/schemas/settings.ts';
import type { ZendeskSetupResult } from '../api/admin-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { fromApiFields, fromZodError, type FieldErrors } from '../lib/field-errors.ts';
import { ErrorAlert } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { RequirementsChecklist } from './RequirementsChecklist.tsx';
import { draftFromSettings, settingsPatch, type SettingsDraft } from './settings-draft.ts';
import { Message, Section } from './form-parts.tsx';

function countryOptions(): Array<{ code: string; name: string }> {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    names = null;
  }
  return getCountries()
    .map((code) => ({ code, name: names?.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Error keys the settings form shows on a field (nested keys collapse onto their input). */
function settingsSlot(key: string): string | null {
  if (/^quietHours\.(start|end|timeZone)$/.test(key)) return key;
  if (/^quietHours$/.test(key)) return 'quietHours.start';
  if (/^frequencyCap\.(maxMessages|periodHours)$/.test(key)) return key;
  if (/^frequencyCap$/.test(key)) return 'frequencyCap.maxMessages';
  if (/^supervisorRoleNames(\.\d+)?$/.test(key)) return 'supervisorRoleNames';
  if (
    /^(summariesEnabled|summaryIncludesInternalNotes|defaultCountry|internalNoteEnabled|customerFallbackToRequesterPhone|maxParts|retryAllowedFor)$/.test(
      key,
    )
  ) {
    return key;
  }
  return null;
}

function TelnyxSection({ isAdmin }: { isAdmin: boolean }) {
  const { api, settings, setSettings } = useAdmin();
  const telnyx = settings.connection.telnyx;
  const [form, setForm] = useState({ apiKey: '', messagingProfileId: '', publicKey: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function save() {
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
        <MD>{telnyx.apiKeySet ? t('setup.telnyx_connected', { hint: telnyx.apiKeyHint ?? '????' }) : t('setup.telnyx_not_connected')}</MD>
        <SM>
          {t('setup.telnyx_profile', { profile: telnyx.messagingProfileId ?? t('setup.not_set') })} ·{' '}
          {telnyx.publicKeySet ? t('setup.public_key_set') : t('setup.public_key_missing')}
        </SM>
      </Well>
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

function ZendeskSection({ isAdmin }: { isAdmin: boolean }) {
  const { api, settings } = useAdmin();
  const [result, setResult] = useState<ZendeskSetupResult | null>(null);
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setFailure(null);
    setBusy(true);
    try {
      setResult(await api.setUpZendesk());
    } catch (reason) {
      setFailure(toWorkerApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t('setup.zendesk_title')}>
      <Paragraph>{t('setup.zendesk_intro')}</Paragraph>
      <Button onClick={() => void run()} disabled={!isAdmin || busy} style={{ marginTop: 8 }}>
        {busy ? t('setup.zendesk_creating') : t('setup.zendesk_create')}
      </Button>
      {result && (
        <Alert type="success" style={{ marginTop: 12 }}>
          <Alert.Paragraph>{t('setup.zendesk_created', { webhookId: result.webhookId, count: result.triggerIds.length })}</Alert.Paragraph>
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

function SettingsSection({ isAdmin }: { isAdmin: boolean }) {
  const { api, settings: response, setSettings } = useAdmin();
  const current = response.settings;
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFromSettings(current));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const countries = useMemo(countryOptions, []);

  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };

  async function save() {
    setFailure(null);
    setSaved(false);
    const patch = settingsPatch(current, draft);
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success) {
      setErrors(fromZodError(parsed.error));
      return;
    }
    setErrors({});
    if (Object.keys(patch).length === 0) {
      setSaved(true);
      return;
    }
    setBusy(true);
    try {
      const next = await api.updateSettings(patch);
      setSettings(next);
      setDraft(draftFromSettings(next.settings));
      setSaved(true);
    } catch (reason) {
      const error = toWorkerApiError(reason);
      setErrors(fromApiFields(error.fields));
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const slots: FieldErrors = {};
  const unplaced: Array<[string, string]> = [];
  for (const [key, message] of Object.entries(errors)) {
    const slot = settingsSlot(key);
    if (slot) slots[slot] ??= message;
    else unplaced.push([key, message]);
  }

  const toggle = (
    key: 'summariesEnabled' | 'summaryIncludesInternalNotes' | 'internalNoteEnabled' | 'customerFallbackToRequesterPhone',
    label: string,
    hint: string,
    disabled = false,
  ) => (
    <Field>
      <Toggle checked={draft[key]} disabled={disabled} onChange={(e) => set(key, e.target.checked)}>
        <Field.Label>{label}</Field.Label>
        <Field.Hint>{hint}</Field.Hint>
      </Toggle>
      <Message text={slots[key]} />
    </Field>
  );

  const text = (
    key: 'quietStart' | 'quietEnd' | 'quietTimeZone' | 'capMaxMessages' | 'capPeriodHours' | 'maxParts' | 'supervisorRoleNames',
    slot: string,
    label: string,
    props: { type?: string; hint?: string; width?: number } = {},
  ) => (
    <Field style={{ width: props.width }}>
      <Field.Label>{label}</Field.Label>
      {props.hint && <Field.Hint>{props.hint}</Field.Hint>}
      <Input
        type={props.type ?? 'text'}
        value={draft[key]}
        validation={slots[slot] ? 'error' : undefined}
        onChange={(e) => set(key, e.target.value)}
      />
      <Message text={slots[slot]} />
    </Field>
  );

  return (
    <Section title={t('setup.settings_title')}>
      <form
        noValidate
        aria-label={t('setup.settings_form')}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset disabled={!isAdmin || busy} style={{ border: 0, padding: 0, margin: 0 }}>
          <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
            {toggle('summariesEnabled', t('setup.summaries'), t('setup.summaries_hint'))}
            {toggle(
              'summaryIncludesInternalNotes',
              t('setup.internal_notes_in_summary'),
              t('setup.internal_notes_in_summary_hint'),
              !draft.summariesEnabled,
            )}
            <Field style={{ width: 320 }}>
              <Field.Label>{t('setup.default_country')}</Field.Label>
              <Field.Hint>{t('setup.default_country_hint')}</Field.Hint>
              <Select
                value={draft.defaultCountry}
                validation={slots.defaultCountry ? 'error' : undefined}
                onChange={(e) => set('defaultCountry', e.target.value)}
              >
                {!countries.some((c) => c.code === draft.defaultCountry) && (
                  <option value={draft.defaultCountry}>{draft.defaultCountry}</option>
                )}
                {countries.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name} ({c.code})
                  </option>
                ))}
              </Select>
              <Message text={slots.defaultCountry} />
            </Field>
            {toggle('internalNoteEnabled', t('setup.internal_note'), t('setup.internal_note_hint'))}
            {toggle('customerFallbackToRequesterPhone', t('setup.fallback'), t('setup.fallback_hint'))}

            <Fieldset>
              <Fieldset.Legend>{t('setup.quiet_hours')}</Fieldset.Legend>
              <Field>
                <Checkbox checked={draft.quietHoursOn} onChange={(e) => set('quietHoursOn', e.target.checked)}>
                  <Field.Label isRegular>{t('setup.quiet_hours_on')}</Field.Label>
                </Checkbox>
              </Field>
              {draft.quietHoursOn && (
                <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginTop: 8 }}>
                  {text('quietStart', 'quietHours.start', t('setup.quiet_start'), { type: 'time', width: 140 })}
                  {text('quietEnd', 'quietHours.end', t('setup.quiet_end'), { type: 'time', width: 140 })}
                  {text('quietTimeZone', 'quietHours.timeZone', t('setup.quiet_zone'), {
                    hint: t('setup.quiet_zone_hint'),
                    width: 260,
                  })}
                </div>
              )}
            </Fieldset>

            <Fieldset>
              <Fieldset.Legend>{t('setup.frequency_cap')}</Fieldset.Legend>
              <Field>
                <Checkbox checked={draft.capOn} onChange={(e) => set('capOn', e.target.checked)}>
                  <Field.Label isRegular>{t('setup.frequency_cap_on')}</Field.Label>
                </Checkbox>
              </Field>
              {draft.capOn && (
                <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginTop: 8 }}>
                  {text('capMaxMessages', 'frequencyCap.maxMessages', t('setup.cap_max'), { type: 'number', width: 180 })}
                  {text('capPeriodHours', 'frequencyCap.periodHours', t('setup.cap_hours'), { type: 'number', width: 180 })}
                </div>
              )}
            </Fieldset>

            {text('maxParts', 'maxParts', t('setup.max_parts'), { type: 'number', hint: t('setup.max_parts_hint'), width: 320 })}
            {text('supervisorRoleNames', 'supervisorRoleNames', t('setup.supervisor_roles'), {
              hint: t('setup.supervisor_roles_hint'),
            })}
            <Field style={{ width: 320 }}>
              <Field.Label>{t('setup.retry_allowed')}</Field.Label>
              <Select
                value={draft.retryAllowedFor}
                onChange={(e) => set('retryAllowedFor', e.target.value === 'admins' ? 'admins' : 'agents')}
              >
                <option value="agents">{t('setup.retry_agents')}</option>
                <option value="admins">{t('setup.retry_admins')}</option>
              </Select>
              <Message text={slots.retryAllowedFor} />
            </Field>
          </div>
          {unplaced.length > 0 && (
            <Alert type="error" role="alert" style={{ marginTop: 12 }}>
              <Alert.Title>{t('editor.other_problems')}</Alert.Title>
              <ul style={{ margin: 0, paddingLeft: 16 }}>
                {unplaced.map(([key, message]) => (
                  <li key={key}>
                    {key}: {message}
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          <Button type="submit" isPrimary style={{ marginTop: 16 }}>
            {busy ? t('common.saving') : t('setup.settings_save')}
          </Button>
        </fieldset>
      </form>
      <SaveOutcome saved={saved} failure={failure} savedText={t('setup.settings_saved')} failedTitle={t('setup.settings_failed')} />
    </Section>
  );
}

export function SetupTab() {
  const { me, settings } = useAdmin();
  const isAdmin = me.role === 'admin';
  return (
    <div style={{ paddingTop: 16, maxWidth: 760 }}>
      {!isAdmin && (
        <Alert type="info" style={{ marginBottom: 16 }}>
          <Alert.Paragraph>{t('setup.admins_only')}</Alert.Paragraph>
        </Alert>
      )}
      <RequirementsChecklist requirements={settings.requirements} />
      <TelnyxSection isAdmin={isAdmin} />
      <ZendeskSection isAdmin={isAdmin} />
      <SettingsSection isAdmin={isAdmin} />
    </div>
  );
}

/** What happened to the last save of a form: a success note, or the error with its reason. */
function SaveOutcome(props: { saved: boolean; failure: WorkerApiError | null; savedText: string; failedTitle: string }) {
  return (
    <>
      {props.saved && (
        <Alert type="success" style={{ marginTop: 12 }}>
          <Alert.Paragraph>{props.savedText}</Alert.Paragraph>
        </Alert>
      )}
      {props.failure && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert title={props.failedTitle} error={props.failure} />
        </div>
      )}
    </>
  );
}
