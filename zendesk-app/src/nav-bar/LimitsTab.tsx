// LimitsTab ("Limits & privacy"): today's use of the daily SMS budget (GET /v1/budget), the spend
// and privacy settings (daily SMS and cost limits, the price used for the estimate, countries to
// text, numbers a test SMS may go to, retention), and erasure of what is stored about one phone
// number or one ticket (POST /v1/erasure) after a confirmation. Admins change them; supervisors
// see them read-only (the worker enforces the same).
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Select } from '@zendeskgarden/react-forms';
import { Modal } from '@zendeskgarden/react-modals';
import { Alert } from '@zendeskgarden/react-notifications';
import { Paragraph } from '@zendeskgarden/react-typography';
import type { ErasureRequest, ErasureResult } from '../../../shared/schemas/privacy.ts';
import type { Settings } from '../../../shared/schemas/settings.ts';
import type { SettingsPatchBody } from '../api/admin-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { ErrorAlert } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { SaveOutcome, Section, TextField } from './form-parts.tsx';
import { useSettingsForm } from './use-settings-form.ts';

interface LimitsDraft {
  dailyMessageLimit: string;
  dailyCostLimit: string;
  estimatedCostPerSegment: string;
  allowedCountries: string;
  testSendNumbers: string;
  retentionDays: string;
}
type LimitKey = keyof LimitsDraft;

function draftOf(s: Settings): LimitsDraft {
  return {
    dailyMessageLimit: s.dailyMessageLimit === null ? '' : String(s.dailyMessageLimit),
    dailyCostLimit: s.dailyCostLimit === null ? '' : String(s.dailyCostLimit),
    estimatedCostPerSegment: String(s.estimatedCostPerSegment),
    allowedCountries: (s.allowedCountries ?? []).join(', '),
    testSendNumbers: s.testSendNumbers.join(', '),
    retentionDays: String(s.retentionDays),
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
/** '' is "none" where the setting allows it; junk becomes NaN so the schema names the field. */
const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));
const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** Only the limits that changed, so the PATCH and the audit name just those. */
export function limitsPatch(current: Settings, d: LimitsDraft): SettingsPatchBody {
  const countries = list(d.allowedCountries).map((c) => c.toUpperCase());
  const next: SettingsPatchBody = {
    dailyMessageLimit: numberOrNull(d.dailyMessageLimit),
    dailyCostLimit: numberOrNull(d.dailyCostLimit),
    estimatedCostPerSegment: number(d.estimatedCostPerSegment),
    allowedCountries: countries.length ? countries : null,
    testSendNumbers: list(d.testSendNumbers),
    retentionDays: number(d.retentionDays),
  };
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(current[key as keyof Settings])) patch[key] = value;
  }
  return patch as SettingsPatchBody;
}

function BudgetSection() {
  const { api, settings } = useAdmin();
  const { state, reload } = useAsync(() => api.readBudget(), [api, settings]);
  const budget = state.data;
  return (
    <Section title={t('limits.budget_title')}>
      {state.status === 'error' && <ErrorAlert title={t('limits.budget_load_failed')} error={state.error} onRetry={reload} />}
      {budget && (
        <div data-testid="budget-today">
          <Paragraph>
            {t('limits.budget_today', {
              messages: budget.messages,
              limit: budget.messageLimit ?? t('limits.budget_no_limit'),
              cost: budget.estimatedCost.toFixed(2),
            })}
          </Paragraph>
          {budget.heldSends > 0 && (
            <Paragraph>{t('limits.budget_held', { count: budget.heldSends, release: formatDateTime(budget.releaseAt) })}</Paragraph>
          )}
        </div>
      )}
    </Section>
  );
}

function LimitsForm({ isAdmin }: { isAdmin: boolean }) {
  const { current, draft, set, errors, failure, saved, busy, save } = useSettingsForm({
    initial: draftOf,
    fromSettings: draftOf,
    patchOf: limitsPatch,
  });

  // "allowedCountries.1" and the like show on their list's input.
  const errorOf = (key: LimitKey) => Object.entries(errors).find(([k]) => k === key || k.startsWith(`${key}.`))?.[1];
  const input = (key: LimitKey, label: string, hint: string, type = 'text') => (
    <TextField
      style={{ maxWidth: 480 }}
      label={label}
      hint={hint}
      type={type}
      value={draft[key]}
      error={errorOf(key)}
      onChange={(value) => set(key, value)}
    />
  );

  return (
    <form
      noValidate
      aria-label={t('limits.form')}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      style={{ marginTop: 16 }}
    >
      <fieldset disabled={!isAdmin || busy} style={{ border: 0, padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: 16 }}>
        {input('dailyMessageLimit', t('limits.daily_messages'), t('limits.daily_messages_hint'), 'number')}
        {input('dailyCostLimit', t('limits.daily_cost'), t('limits.daily_cost_hint'), 'number')}
        {input('estimatedCostPerSegment', t('limits.price'), t('limits.price_hint'), 'number')}
        {input('allowedCountries', t('limits.countries'), t('limits.countries_hint', { country: current.defaultCountry }))}
        {input('testSendNumbers', t('limits.test_numbers'), t('limits.test_numbers_hint'))}
        {input('retentionDays', t('limits.retention'), t('limits.retention_hint'), 'number')}
        <div>
          <Button type="submit" isPrimary>
            {busy ? t('common.saving') : t('limits.save')}
          </Button>
        </div>
      </fieldset>
      <SaveOutcome saved={saved} failure={failure} savedText={t('limits.saved')} failedTitle={t('limits.save_failed')} />
    </form>
  );
}

function ErasureSection() {
  const { api } = useAdmin();
  const [kind, setKind] = useState<'phone' | 'ticket'>('phone');
  const [value, setValue] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ErasureResult | null>(null);
  const [failure, setFailure] = useState<WorkerApiError | null>(null);
  const request: ErasureRequest = kind === 'phone' ? { phone: value.trim() } : { ticketId: value.trim() };

  async function erase() {
    setBusy(true);
    setFailure(null);
    try {
      setResult(await api.erase(request));
      setValue('');
    } catch (reason) {
      setFailure(toWorkerApiError(reason));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <Section title={t('limits.erase_title')} isStacked>
      <Paragraph>{t('limits.erase_hint')}</Paragraph>
      <div style={{ display: 'flex', gap: 12, alignItems: 'flex-end', flexWrap: 'wrap' }}>
        <Field style={{ width: 180 }}>
          <Field.Label>{t('limits.erase_kind')}</Field.Label>
          <Select value={kind} onChange={(e) => setKind(e.target.value === 'ticket' ? 'ticket' : 'phone')}>
            <option value="phone">{t('limits.erase_kind_phone')}</option>
            <option value="ticket">{t('limits.erase_kind_ticket')}</option>
          </Select>
        </Field>
        <Field style={{ width: 260 }}>
          <Field.Label>{t('limits.erase_value')}</Field.Label>
          <Input value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <Button isDanger disabled={value.trim() === '' || busy} onClick={() => setConfirming(true)}>
          {t('limits.erase_button')}
        </Button>
      </div>
      {confirming && (
        <Modal onClose={busy ? undefined : () => setConfirming(false)} aria-label={t('limits.erase_title')}>
          <Modal.Header isDanger>{t('limits.erase_title')}</Modal.Header>
          <Modal.Body>
            <Paragraph>{t('limits.erase_confirm', { subject: value.trim() })}</Paragraph>
          </Modal.Body>
          <Modal.Footer>
            <Modal.FooterItem>
              <Button isBasic disabled={busy} onClick={() => setConfirming(false)}>
                {t('limits.erase_cancel')}
              </Button>
            </Modal.FooterItem>
            <Modal.FooterItem>
              <Button isPrimary isDanger disabled={busy} onClick={() => void erase()}>
                {t('limits.erase_confirm_button')}
              </Button>
            </Modal.FooterItem>
          </Modal.Footer>
        </Modal>
      )}
      {failure && <ErrorAlert title={t('limits.erase_failed')} error={failure} />}
      {result && (
        <Alert type="success" role="status">
          <Alert.Paragraph>
            {t('limits.erase_done', {
              subject: result.subject,
              sends: result.removed.sends,
              replies: result.removed.replies,
              audit: result.removed.auditEntries,
            })}
          </Alert.Paragraph>
          {result.kept.map((what) => (
            <Alert.Paragraph key={what}>{t('limits.erase_kept', { what })}</Alert.Paragraph>
          ))}
        </Alert>
      )}
    </Section>
  );
}

export function LimitsTab() {
  const { me } = useAdmin();
  const isAdmin = me.role === 'admin';
  return (
    <div style={{ paddingTop: 16, maxWidth: 760 }}>
      {!isAdmin && (
        <Alert type="info" style={{ marginBottom: 16 }}>
          <Alert.Paragraph>{t('limits.admins_only')}</Alert.Paragraph>
        </Alert>
      )}
      <BudgetSection />
      <LimitsForm isAdmin={isAdmin} />
      {isAdmin && <ErasureSection />}
    </div>
  );
}
