// SetupTab: the checklist (with the Zendesk webhook and triggers' health, read from Zendesk),
// connect Telnyx (TelnyxSection), the Zendesk connection with its webhook and triggers
// (ZendeskConnectionSection), the installation-wide settings (here), and Disconnect
// (DisconnectSection). Only admins may change setup; supervisors see it read-only. The settings
// form is kept when the session ends and opens again after the reload.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { getCountries } from 'libphonenumber-js/min';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field, Fieldset, Select, Toggle } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import type { ZendeskSetupHealth } from '../api/admin-api.ts';
import { t } from '../i18n/t.ts';
import type { FieldErrors } from '../lib/field-errors.ts';
import { clearDraft, DRAFT_SETTINGS, draftOwner, loadDraft } from '../session/drafts.ts';
import { useDraftKeeper, useSession } from '../session/session-provider.tsx';
import { useAdmin } from './admin-context.tsx';
import { DisconnectSection } from './DisconnectSection.tsx';
import { Message, RestoredNotice, SaveOutcome, Section, TextField } from './form-parts.tsx';
import { RequirementsChecklist, type ZendeskSetupState } from './RequirementsChecklist.tsx';
import { draftFromSettings, settingsPatch, StoredSettingsDraft, type SettingsDraft } from './settings-draft.ts';
import { TelnyxSection } from './TelnyxSection.tsx';
import { useSettingsForm } from './use-settings-form.ts';
import { ZendeskConnectionSection } from './ZendeskConnectionSection.tsx';

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
    /^(summariesEnabled|summaryIncludesInternalNotes|defaultCountry|internalNoteEnabled|customerFallbackToRequesterPhone|maxParts|retryAllowedFor|replyWindowDays|replyReopensTicket|helpReplyText)$/.test(
      key,
    )
  ) {
    return key;
  }
  return null;
}

function SettingsSection({ isAdmin }: { isAdmin: boolean }) {
  const { me } = useAdmin();
  const { location } = useSession();
  const [restored] = useState(() => loadDraft(location, DRAFT_SETTINGS, draftOwner(me), StoredSettingsDraft));
  const [isRestored, setRestored] = useState(restored !== null);
  const { current, draft, setDraft, set, errors, setErrors, failure, setFailure, saved, busy, save } = useSettingsForm<SettingsDraft>({
    initial: (settings) => restored ?? draftFromSettings(settings),
    fromSettings: draftFromSettings,
    patchOf: settingsPatch,
    // Saved: the draft kept for the next session is no longer needed.
    onSaved: () => {
      clearDraft(location, DRAFT_SETTINGS);
      setRestored(false);
    },
  });
  const countries = useMemo(countryOptions, []);

  useDraftKeeper(DRAFT_SETTINGS, () =>
    isRestored || Object.keys(settingsPatch(current, draft)).length > 0 ? { owner: draftOwner(me), value: draft } : null,
  );

  function discardRestored() {
    clearDraft(location, DRAFT_SETTINGS);
    setRestored(false);
    setDraft(draftFromSettings(current));
    setErrors({});
    setFailure(null);
  }

  const slots: FieldErrors = {};
  const unplaced: Array<[string, string]> = [];
  for (const [key, message] of Object.entries(errors)) {
    const slot = settingsSlot(key);
    if (slot) slots[slot] ??= message;
    else unplaced.push([key, message]);
  }

  const toggle = (
    key: 'summariesEnabled' | 'summaryIncludesInternalNotes' | 'internalNoteEnabled' | 'customerFallbackToRequesterPhone' | 'replyReopensTicket',
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
    key:
      | 'quietStart'
      | 'quietEnd'
      | 'quietTimeZone'
      | 'capMaxMessages'
      | 'capPeriodHours'
      | 'maxParts'
      | 'supervisorRoleNames'
      | 'replyWindowDays'
      | 'helpReplyText',
    slot: string,
    label: string,
    props: { type?: string; hint?: string; width?: number } = {},
  ) => (
    <TextField
      style={{ width: props.width }}
      label={label}
      hint={props.hint}
      type={props.type}
      value={draft[key]}
      error={slots[slot]}
      onChange={(value) => set(key, value)}
    />
  );

  return (
    <Section title={t('setup.settings_title')}>
      {isRestored && <RestoredNotice onDiscard={discardRestored} />}
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

            <Fieldset>
              <Fieldset.Legend>{t('setup.replies')}</Fieldset.Legend>
              <div style={{ display: 'flex', flexDirection: 'column', gap: 12, marginTop: 8 }}>
                {text('replyWindowDays', 'replyWindowDays', t('setup.reply_window'), {
                  type: 'number',
                  hint: t('setup.reply_window_hint'),
                  width: 320,
                })}
                {toggle('replyReopensTicket', t('setup.reply_reopens'), t('setup.reply_reopens_hint'))}
                {text('helpReplyText', 'helpReplyText', t('setup.help_reply'), { hint: t('setup.help_reply_hint') })}
              </div>
            </Fieldset>
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

/** The webhook and triggers as Zendesk has them now (GET /v1/setup/zendesk), for the checklist. */
function useZendeskSetupHealth(): [ZendeskSetupState | undefined, (state: ZendeskSetupState) => void] {
  const { api, settings } = useAdmin();
  const connected = settings.connection.zendesk.state === 'connected';
  const [state, setState] = useState<ZendeskSetupState | undefined>(connected ? { status: 'loading' } : undefined);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    api.readZendeskSetup().then(
      (health) => live && setState({ status: 'loaded', health }),
      () => live && setState({ status: 'failed' }),
    );
    return () => {
      live = false;
    };
  }, [api, connected]);
  return [state, setState];
}

export function SetupTab({ onDisconnected }: { onDisconnected: () => void }) {
  const { api, me, settings } = useAdmin();
  const isAdmin = me.role === 'admin';
  const [zendeskSetup, setZendeskSetup] = useZendeskSetupHealth();
  const onSetUp = useCallback(
    (health: ZendeskSetupHealth | undefined) => {
      if (health) return setZendeskSetup({ status: 'loaded', health });
      setZendeskSetup({ status: 'loading' });
      api.readZendeskSetup().then(
        (read) => setZendeskSetup({ status: 'loaded', health: read }),
        () => setZendeskSetup({ status: 'failed' }),
      );
    },
    [api, setZendeskSetup],
  );
  return (
    <div style={{ paddingTop: 16, maxWidth: 760 }}>
      {!isAdmin && (
        <Alert type="info" style={{ marginBottom: 16 }}>
          <Alert.Paragraph>{t('setup.admins_only')}</Alert.Paragraph>
        </Alert>
      )}
      <RequirementsChecklist requirements={settings.requirements} zendeskSetup={zendeskSetup} />
      <TelnyxSection isAdmin={isAdmin} />
      <ZendeskConnectionSection isAdmin={isAdmin} onSetUp={onSetUp} />
      <SettingsSection isAdmin={isAdmin} />
      {isAdmin && <DisconnectSection onDisconnected={onDisconnected} />}
    </div>
  );
}
