// ReportTab: the delivery report for admins and supervisors (GET /v1/report): a UTC date range,
// the delivery-rate trend (uPlot, about 21 kB gzip of the nav-bar bundle), a table per day and
// rule with totals, and "Download CSV" (GET /v1/report.csv with the session bearer, saved from a
// Blob). The worker validates the range too; here it only stops an obviously wrong one.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { Table } from '@zendeskgarden/react-tables';
import { LG, Paragraph } from '@zendeskgarden/react-typography';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  addDays,
  DEFAULT_REPORT_DAYS,
  daysBetween,
  deliveryRate,
  FAIL_REASONS,
  MAX_REPORT_DAYS,
  type Report,
  type ReportCounts,
  SKIP_REASONS,
  sumCounts,
} from '../../../shared/schemas/report.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { useAsync } from '../lib/use-async.ts';
import { ErrorAlert, Loading } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface ReportTabProps {
  /** Today as a UTC day; the default range ends here (tests pass a fixed one). */
  today?: string;
}

function formatRate(c: Pick<ReportCounts, 'sent' | 'delivered'>): string {
  const rate = deliveryRate(c);
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

function formatCost(cost: ReportCounts['cost']): string {
  return cost.currency ? `${cost.amount} ${cost.currency}` : t('report.no_cost');
}

/** "3" with the reasons behind it as a tooltip and for screen readers. */
function Breakdown({ total, parts }: { total: number; parts: Array<[string, number]> }) {
  const shown = parts.filter(([, n]) => n > 0);
  if (total === 0 || shown.length === 0) return <>{total}</>;
  const text = shown.map(([reason, n]) => `${t(`reasons.${reason}`)}: ${n}`).join('; ');
  return (
    <span title={text}>
      {total}
      <span style={{ display: 'block', fontSize: 12, color: '#68737d' }}>{text}</span>
    </span>
  );
}

function CountCells({ c }: { c: ReportCounts }) {
  return (
    <>
      <Table.Cell>{c.sent}</Table.Cell>
      <Table.Cell>{c.delivered}</Table.Cell>
      <Table.Cell>{formatRate(c)}</Table.Cell>
      <Table.Cell>
        <Breakdown total={c.failed} parts={FAIL_REASONS.map((r) => [r, c.failedByReason[r]])} />
      </Table.Cell>
      <Table.Cell>
        <Breakdown total={c.skipped} parts={SKIP_REASONS.map((r) => [r, c.skippedByReason[r]])} />
      </Table.Cell>
      <Table.Cell>{c.optOuts}</Table.Cell>
      <Table.Cell>{c.parts}</Table.Cell>
      <Table.Cell>{formatCost(c.cost)}</Table.Cell>
    </>
  );
}

/** Delivery rate (%) per day of the range; a day without sent messages is a gap. */
export function dailyRates(report: Report): { days: number[]; rates: Array<number | null> } {
  const byDay = new Map<string, ReportCounts[]>();
  for (const row of report.rows) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
  const days: number[] = [];
  const rates: Array<number | null> = [];
  for (let day = report.from; day <= report.to; day = addDays(day, 1)) {
    const rate = deliveryRate(sumCounts(byDay.get(day) ?? []));
    days.push(Date.parse(`${day}T00:00:00Z`) / 1000);
    rates.push(rate === null ? null : Math.round(rate * 1000) / 10);
  }
  return { days, rates };
}

function DeliveryRateChart({ report }: { report: Report }) {
  const target = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const series = useMemo(() => dailyRates(report), [report]);

  useEffect(() => {
    const element = target.current;
    if (!element) return;
    let plot: uPlot | null = null;
    try {
      plot = new uPlot(
        {
          width: Math.max(320, Math.min(1000, element.clientWidth || 800)),
          height: 200,
          // No stylesheet is loaded: no legend, cursor or selection overlays, only the drawing.
          legend: { show: false },
          cursor: { show: false },
          select: { show: false, left: 0, top: 0, width: 0, height: 0 },
          scales: { x: { time: true }, y: { range: [0, 100] } },
          axes: [{}, { values: (_u, ticks) => ticks.map((v) => `${v}%`) }],
          series: [{}, { label: t('report.rate'), stroke: '#1f73b7', width: 2, points: { show: series.days.length <= 31 } }],
        },
        [series.days, series.rates],
        element,
      );
      setFailed(false);
    } catch {
      // No canvas (an old browser, or a test's DOM): the table still says everything.
      setFailed(true);
    }
    return () => plot?.destroy();
  }, [series]);

  return (
    <figure style={{ margin: '16px 0' }}>
      <figcaption>
        <LG tag="h3">{t('report.chart_title')}</LG>
      </figcaption>
      <div ref={target} role="img" aria-label={t('report.chart_title')} />
      {failed && <Paragraph>{t('report.chart_unavailable')}</Paragraph>}
    </figure>
  );
}

/** Saves text as a file the way browsers allow from script: a Blob URL on a temporary link. */
function saveText(text: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ReportTab({ today = new Date().toISOString().slice(0, 10) }: ReportTabProps) {
  const { api } = useAdmin();
  const [draft, setDraft] = useState({ from: addDays(today, -(DEFAULT_REPORT_DAYS - 1)), to: today });
  const [range, setRange] = useState(draft);
  const { state, reload } = useAsync(() => api.readReport(range.from, range.to), [api, range]);
  const [download, setDownload] = useState<{ busy: boolean; error: WorkerApiError | null }>({ busy: false, error: null });

  const valid = DAY.test(draft.from) && DAY.test(draft.to) && draft.from <= draft.to && daysBetween(draft.from, draft.to) < MAX_REPORT_DAYS;
  const report = state.data;

  const downloadCsv = async () => {
    if (!report) return;
    setDownload({ busy: true, error: null });
    try {
      saveText(await api.readReportCsv(report.from, report.to), `sms-report-${report.from}-to-${report.to}.csv`);
      setDownload({ busy: false, error: null });
    } catch (reason) {
      setDownload({ busy: false, error: toWorkerApiError(reason) });
    }
  };

  return (
    <section aria-label={t('report.title')} style={{ paddingTop: 16 }}>
      <Paragraph>{t('report.intro')}</Paragraph>
      <form
        aria-label={t('report.title')}
        style={{ display: 'flex', gap: 16, alignItems: 'flex-end', marginTop: 16, flexWrap: 'wrap' }}
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          if (draft.from === range.from && draft.to === range.to) reload();
          else setRange(draft);
        }}
      >
        <Field>
          <Field.Label>{t('report.from')}</Field.Label>
          <Input type="date" value={draft.from} max={draft.to} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
        </Field>
        <Field>
          <Field.Label>{t('report.to')}</Field.Label>
          <Input type="date" value={draft.to} min={draft.from} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />
        </Field>
        <Button type="submit" disabled={!valid}>
          {t('report.show')}
        </Button>
        <Button type="button" isPrimary disabled={!report || download.busy} onClick={downloadCsv}>
          {download.busy ? t('report.downloading') : t('report.download_csv')}
        </Button>
      </form>
      {!valid && (
        <Alert type="warning" style={{ marginTop: 16 }}>
          {t('report.range_invalid')}
        </Alert>
      )}
      {download.error && (
        <div style={{ marginTop: 16 }}>
          <ErrorAlert title={t('report.download_failed')} error={download.error} />
        </div>
      )}
      {state.status === 'error' && <ErrorAlert title={t('report.load_failed')} error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !report && <Loading />}
      {report && <ReportBody report={report} />}
    </section>
  );
}

function ReportBody({ report }: { report: Report }) {
  if (report.rows.length === 0) return <Paragraph style={{ marginTop: 16 }}>{t('report.empty')}</Paragraph>;
  return (
    <>
      <DeliveryRateChart report={report} />
      <Table style={{ marginTop: 16 }} aria-label={t('report.title')}>
        <Table.Head>
          <Table.HeaderRow>
            {(['day', 'rule', 'sent', 'delivered', 'rate', 'failed', 'skipped', 'opt_outs', 'parts', 'cost'] as const).map((key) => (
              <Table.HeaderCell key={key}>{t(`report.${key}`)}</Table.HeaderCell>
            ))}
          </Table.HeaderRow>
        </Table.Head>
        <Table.Body>
          {report.rows.map((row) => (
            <Table.Row key={`${row.day}/${row.ruleId}`}>
              <Table.Cell>{row.day}</Table.Cell>
              <Table.Cell>
                {row.ruleLabel}
                {row.pending > 0 && <span style={{ display: 'block', fontSize: 12 }}>{t('report.pending', { count: row.pending })}</span>}
              </Table.Cell>
              <CountCells c={row} />
            </Table.Row>
          ))}
          <Table.Row style={{ fontWeight: 600 }}>
            <Table.Cell>{t('report.totals')}</Table.Cell>
            <Table.Cell>
              {report.from} – {report.to}
            </Table.Cell>
            <CountCells c={report.totals} />
          </Table.Row>
        </Table.Body>
      </Table>
    </>
  );
}
