// AttentionTab ("Needs attention", issue 12): what waits out an outage, interactions that could
// not be processed and SMS that failed, each with its reason. Retry first asks the worker how
// many SMS it would send (a dry run), shows that, and only sends on "Retry now". SMS whose
// outcome is unknown (Telnyx never confirmed them) are resent only when the admin ticks the box
// that says they may arrive twice.
import { useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { LG, Paragraph, SM } from '@zendeskgarden/react-typography';
import type { AttentionRetryResult } from '../../../shared/schemas/attention.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { hasTranslation, t } from '../i18n/t.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { waitingText } from '../lib/waiting.ts';
import { describeError, ErrorAlert, Loading } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';

type Selection = ReadonlySet<string>;

function Pick({ id, label, selected, onToggle }: { id: string; label: string; selected: Selection; onToggle: (id: string) => void }) {
  return (
    <Field>
      <Checkbox checked={selected.has(id)} onChange={() => onToggle(id)}>
        <Field.Label isRegular>{label}</Field.Label>
      </Checkbox>
    </Field>
  );
}

export function AttentionTab() {
  const { api } = useAdmin();
  const { state, reload } = useAsync(() => api.readAttention(), [api]);
  const [selected, setSelected] = useState<Selection>(new Set());
  const [includeUnknown, setIncludeUnknown] = useState(false);
  const [count, setCount] = useState<AttentionRetryResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WorkerApiError | null>(null);
  const [done, setDone] = useState<AttentionRetryResult | null>(null);

  if (state.status === 'error') return <ErrorAlert title={t('attention.load_failed')} error={state.error} onRetry={reload} />;
  if (state.status === 'loading' && !state.data) return <Loading />;
  const data = state.data ?? { interactions: [], sends: [], waiting: [], truncated: false };
  const interactionIds = data.interactions.map((i) => i.id).filter((id) => selected.has(id));
  const sendIds = data.sends.map((s) => s.id).filter((id) => selected.has(id));

  const toggle = (id: string) => {
    setCount(null);
    setSelected((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  };
  const run = async (dryRun: boolean, unknown: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.retryAttention({ interactionIds, sendIds, includeUnknown: unknown, dryRun });
      if (dryRun) setCount(result);
      else {
        setDone(result);
        setCount(null);
        setSelected(new Set());
        setIncludeUnknown(false);
        reload();
      }
    } catch (reason) {
      setError(toWorkerApiError(reason));
    } finally {
      setBusy(false);
    }
  };
  const nothing = data.waiting.length + data.interactions.length + data.sends.length === 0;

  return (
    <section aria-label={t('attention.title')} style={{ paddingTop: 16 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Paragraph>{t('attention.intro')}</Paragraph>
        <Button size="small" onClick={reload}>
          {t('common.refresh')}
        </Button>
      </div>
      {done && (
        <Alert type="success" role="status" style={{ marginTop: 12 }}>
          <Alert.Paragraph>{t('attention.done', { sms: done.sms, interactions: done.interactions })}</Alert.Paragraph>
        </Alert>
      )}
      {nothing && <Paragraph style={{ marginTop: 16 }}>{t('attention.empty')}</Paragraph>}
      {data.waiting.length > 0 && (
        <>
          <LG style={{ marginTop: 16 }}>{t('attention.waiting_title')}</LG>
          <ul aria-label={t('attention.waiting_title')} style={{ paddingLeft: 16 }}>
            {data.waiting.map((w) => (
              <li key={w.id}>
                <SM>{t('attention.waiting_row', { ticket: w.ticketId, text: waitingText(w) ?? '' })}</SM>
                {w.detail && <SM style={{ color: '#68737d' }}>{w.detail}</SM>}
              </li>
            ))}
          </ul>
        </>
      )}
      {data.interactions.length > 0 && (
        <>
          <LG style={{ marginTop: 16 }}>{t('attention.interactions_title')}</LG>
          {data.interactions.map((i) => (
            <div key={i.id} data-testid={`attention-${i.id}`} style={{ marginTop: 8 }}>
              <Pick id={i.id} label={t('attention.ticket', { ticket: i.ticketId })} selected={selected} onToggle={toggle} />
              <SM>{i.detail}</SM>
              <SM style={{ color: '#68737d' }}>{formatDateTime(i.failedAt)}</SM>
            </div>
          ))}
        </>
      )}
      {data.sends.length > 0 && (
        <>
          <LG style={{ marginTop: 16 }}>{t('attention.sends_title')}</LG>
          {data.sends.map((s) => (
            <div key={s.id} data-testid={`attention-${s.id}`} style={{ marginTop: 8 }}>
              <Pick
                id={s.id}
                label={`${t('attention.ticket', { ticket: s.ticketId })}: ${t('attention.send_row', {
                  rule: s.ruleLabel,
                  recipient: s.recipientMasked ?? t('sidebar.no_number'),
                  kind: t(`recipient_kind.${s.recipientKind}`),
                })}`}
                selected={selected}
                onToggle={toggle}
              />
              {s.reason && <SM>{hasTranslation(`reasons.${s.reason}`) ? t(`reasons.${s.reason}`) : s.reason}</SM>}
              {s.detail && <SM style={{ color: '#68737d' }}>{s.detail}</SM>}
              {s.mayDuplicate && <SM style={{ color: '#ad5918' }}>{t('attention.unknown_note')}</SM>}
            </div>
          ))}
        </>
      )}
      {data.truncated && <SM style={{ marginTop: 8 }}>{t('attention.truncated')}</SM>}
      {(interactionIds.length > 0 || sendIds.length > 0) && !count && (
        <Button style={{ marginTop: 16 }} onClick={() => void run(true, includeUnknown)} disabled={busy}>
          {busy ? t('attention.checking') : t('attention.check')}
        </Button>
      )}
      {count && (
        <Alert type="warning" role="alertdialog" aria-label={t('attention.confirm_title', { items: interactionIds.length + sendIds.length })} style={{ marginTop: 16 }}>
          <Alert.Title>{t('attention.confirm_title', { items: interactionIds.length + sendIds.length })}</Alert.Title>
          <Alert.Paragraph>{t('attention.confirm_sms', { count: count.sms })}</Alert.Paragraph>
          {count.interactions > 0 && <Alert.Paragraph>{t('attention.confirm_interactions', { count: count.interactions })}</Alert.Paragraph>}
          {count.unknownSms > 0 && <Alert.Paragraph>{t('attention.confirm_unknown', { count: count.unknownSms })}</Alert.Paragraph>}
          {(count.unknownNeedConfirmation > 0 || includeUnknown) && (
            <Field>
              <Checkbox
                checked={includeUnknown}
                onChange={(e) => {
                  setIncludeUnknown(e.target.checked);
                  void run(true, e.target.checked);
                }}
              >
                <Field.Label isRegular>{t('attention.include_unknown', { count: count.unknownNeedConfirmation + count.unknownSms })}</Field.Label>
              </Checkbox>
            </Field>
          )}
          {count.sms + count.interactions === 0 && <Alert.Paragraph>{t('attention.nothing')}</Alert.Paragraph>}
          <div style={{ display: 'flex', gap: 8, marginTop: 8 }}>
            <Button size="small" isPrimary disabled={busy || count.sms + count.interactions === 0} onClick={() => void run(false, includeUnknown)}>
              {t('attention.confirm')}
            </Button>
            <Button size="small" onClick={() => setCount(null)}>
              {t('attention.cancel')}
            </Button>
          </div>
        </Alert>
      )}
      {error && (
        <SM role="alert" style={{ color: '#cc3340', marginTop: 8 }}>
          {t('attention.retry_failed', { message: describeError(error) })}
        </SM>
      )}
    </section>
  );
}
