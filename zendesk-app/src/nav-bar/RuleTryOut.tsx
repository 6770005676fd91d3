// RuleTryOut: preview the exact message the edited rule would send for a real ticket, and send a
// test SMS to a number, both before saving. Uses the rule as currently typed.
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Well } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { MD, SM } from '@zendeskgarden/react-typography';
import type { RuleInput } from '../../../shared/schemas/rule.ts';
import type { PreviewResult, TestSendResult } from '../api/admin-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { hasTranslation, t } from '../i18n/t.ts';
import { fromApiFields, type FieldErrors } from '../lib/field-errors.ts';
import { ErrorAlert } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { phoneProblem } from './phone-check.ts';

export interface RuleTryOutProps {
  /** The rule as typed, or null when it does not validate (the editor then shows why). */
  buildInput: () => RuleInput | null;
  /** Hands a 422's rule field errors back to the editor. */
  onRuleErrors: (errors: FieldErrors) => void;
  defaultCountry: string;
}

function translatedReason(code: string | null): string | null {
  if (!code) return null;
  return hasTranslation(`reasons.${code}`) ? t(`reasons.${code}`) : code;
}

function ruleFieldErrors(error: WorkerApiError): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, reason] of Object.entries(fromApiFields(error.fields))) {
    if (key.startsWith('rule.')) out[key.slice('rule.'.length)] = reason;
  }
  return out;
}

export function RuleTryOut({ buildInput, onRuleErrors, defaultCountry }: RuleTryOutProps) {
  const { api } = useAdmin();
  const [ticketId, setTicketId] = useState('');
  const [to, setTo] = useState('');
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [sent, setSent] = useState<TestSendResult | null>(null);
  const [busy, setBusy] = useState<'preview' | 'send' | null>(null);
  const [error, setError] = useState<{ title: string; error: WorkerApiError } | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const ticketIdProblem = ticketId !== '' && !/^\d+$/.test(ticketId.trim()) ? t('tryout.ticket_id_invalid') : null;
  const toProblem = phoneProblem(to, defaultCountry);

  async function run(kind: 'preview' | 'send') {
    setError(null);
    setFieldErrors({});
    const input = buildInput();
    if (!input) {
      setError({
        title: t('tryout.fix_rule_first'),
        error: toWorkerApiError(new Error(t('tryout.fix_rule_first_body'))),
      });
      return;
    }
    setBusy(kind);
    try {
      if (kind === 'preview') setPreview(await api.preview(ticketId.trim(), input));
      else setSent(await api.testSend(input, to.trim(), ticketId.trim() === '' ? undefined : ticketId.trim()));
    } catch (reason) {
      const failure = toWorkerApiError(reason);
      setError({ title: kind === 'preview' ? t('tryout.preview_failed') : t('tryout.send_failed'), error: failure });
      setFieldErrors(fromApiFields(failure.fields));
      const forRule = ruleFieldErrors(failure);
      if (Object.keys(forRule).length > 0) onRuleErrors(forRule);
    } finally {
      setBusy(null);
    }
  }

  const ticketError = ticketIdProblem ?? fieldErrors.ticketId;
  const toError = toProblem ?? fieldErrors.to;

  return (
    <section aria-label={t('tryout.title')} style={{ marginTop: 24 }}>
      <MD isBold>{t('tryout.title')}</MD>
      <div style={{ display: 'flex', gap: 12, alignItems: 'flex-end', flexWrap: 'wrap', marginTop: 8 }}>
        <Field style={{ width: 200 }}>
          <Field.Label>{t('tryout.ticket_id')}</Field.Label>
          <Input
            inputMode="numeric"
            value={ticketId}
            validation={ticketError ? 'error' : undefined}
            onChange={(e) => setTicketId(e.target.value)}
          />
          {ticketError && <Field.Message validation="error">{ticketError}</Field.Message>}
        </Field>
        <Button onClick={() => void run('preview')} disabled={busy !== null || ticketId.trim() === '' || ticketIdProblem !== null}>
          {busy === 'preview' ? t('tryout.previewing') : t('tryout.preview')}
        </Button>
      </div>
      <div style={{ display: 'flex', gap: 12, alignItems: 'flex-end', flexWrap: 'wrap', marginTop: 12 }}>
        <Field style={{ width: 200 }}>
          <Field.Label>{t('tryout.to')}</Field.Label>
          <Field.Hint>{t('tryout.to_hint')}</Field.Hint>
          <Input type="tel" value={to} validation={toError ? 'error' : undefined} onChange={(e) => setTo(e.target.value)} />
          {toError && <Field.Message validation="error">{toError}</Field.Message>}
        </Field>
        <Button
          onClick={() => void run('send')}
          disabled={busy !== null || to.trim() === '' || toProblem !== null || ticketIdProblem !== null}
        >
          {busy === 'send' ? t('tryout.sending') : t('tryout.send')}
        </Button>
      </div>
      {error && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert title={error.title} error={error.error} />
        </div>
      )}
      {preview && (
        <Well style={{ marginTop: 12 }} aria-label={t('tryout.preview_result')}>
          <MD isBold>
            {preview.matched
              ? t('tryout.matched')
              : t('tryout.not_matched', { reason: translatedReason(preview.reason) ?? t('tryout.no_reason') })}
          </MD>
          <pre data-testid="preview-text" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: '8px 0' }}>
            {preview.text}
          </pre>
          <SM>
            {t('tryout.preview_counts', {
              characters: preview.segments.characters,
              encoding: preview.segments.encoding,
              segments: preview.segments.segments,
            })}
          </SM>
          <ul style={{ margin: '8px 0 0', paddingLeft: 16 }}>
            {preview.recipients.map((r) => (
              <li key={`${r.kind}-${r.masked ?? ''}-${r.skipReason ?? ''}`}>
                {hasTranslation(`recipient_kind.${r.kind}`) ? t(`recipient_kind.${r.kind}`) : r.kind}: {r.masked ?? t('sidebar.no_number')}
                {r.skipReason && ` — ${t('tryout.skipped', { reason: translatedReason(r.skipReason) ?? '' })}`}
              </li>
            ))}
          </ul>
        </Well>
      )}
      {sent && (
        <Well style={{ marginTop: 12 }} aria-label={t('tryout.send_result')}>
          <MD>
            {t('tryout.sent_to', { recipient: sent.recipientMasked ?? t('sidebar.no_number') })}{' '}
            <Tag size="small">{t(`status.${sent.status}`)}</Tag>
          </MD>
          {sent.reason && <SM>{t('sidebar.reason', { reason: translatedReason(sent.reason) ?? '' })}</SM>}
          {sent.detail && <SM>{t('sidebar.detail', { detail: sent.detail })}</SM>}
        </Well>
      )}
    </section>
  );
}
