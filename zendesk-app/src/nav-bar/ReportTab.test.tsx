// The Report tab as an admin uses it: the default range (last 30 days), the table per day and
// rule with skip and failure reasons, the totals row, the delivery-rate chart fed per day, a new
// range asked of the worker, and "Download CSV" fetched with the session bearer and saved as a
// file. uPlot draws on a canvas, which jsdom lacks: a stand-in records what it was given.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyCounts, type Report, type ReportRow, sumCounts } from '../../../shared/schemas/report.ts';
import { SessionProvider } from '../session/session-provider.tsx';
import { createFakeWorker } from '../test/fake-worker.ts';
import { createFakeZafClient } from '../test/fake-zaf-client.ts';
import { me, settingsResponse } from '../test/fixtures.ts';
import { AppThemeProvider } from '../ui/common.tsx';
import { ClientProvider } from '../zaf/client-provider.tsx';
import { NavBar } from './NavBar.tsx';
import { dailyRates } from './ReportTab.tsx';

const plots = vi.hoisted(() => [] as Array<{ data: unknown[]; destroyed: boolean }>);
vi.mock('uplot', () => ({
  default: class {
    record: { data: unknown[]; destroyed: boolean };
    constructor(_opts: unknown, data: unknown[]) {
      this.record = { data, destroyed: false };
      plots.push(this.record);
    }
    destroy() {
      this.record.destroyed = true;
    }
  },
}));

const TODAY = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function row(overrides: Partial<ReportRow>): ReportRow {
  return { ...emptyCounts(), day: TODAY, ruleId: 'rule_1', ruleLabel: 'Thank the customer', ...overrides };
}

const rows = [
  row({
    day: daysAgo(1),
    total: 6,
    sent: 4,
    delivered: 3,
    failed: 1,
    failedByReason: { ...emptyCounts().failedByReason, carrier_failed: 1 },
    skipped: 2,
    skippedByReason: { ...emptyCounts().skippedByReason, opted_out: 1, no_valid_number: 1 },
    parts: 5,
    optOuts: 1,
    cost: { amount: '0.02', currency: 'USD' },
  }),
  row({ day: TODAY, ruleId: 'rule_2', ruleLabel: 'Escalation alert', total: 2, sent: 2, delivered: 2, parts: 2, cost: { amount: '0.008', currency: 'USD' } }),
];

function reportFor(from: string, to: string, list: ReportRow[] = rows): Report {
  const inRange = list.filter((r) => r.day >= from && r.day <= to);
  return { from, to, rows: inRange, totals: sumCounts(inRange) };
}

/** jsdom's Blob has no text(); FileReader reads it. */
function readBlob(blob: Blob | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!blob) return reject(new Error('no blob'));
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

function setup(list: ReportRow[] = rows) {
  const client = createFakeZafClient({
    context: { location: 'nav_bar' },
    data: { currentUser: { id: 1001, name: 'Ada Admin', role: 'admin', locale: 'en' } },
  });
  const worker = createFakeWorker({ location: 'nav_bar' });
  worker.route('GET', '/v1/me', { status: 200, body: me() });
  worker.route('GET', '/v1/settings', { status: 200, body: settingsResponse() });
  worker.route('GET', '/v1/rules', { status: 200, body: { rules: [] } });
  worker.route('GET', '/v1/report', (r) => {
    const q = new URLSearchParams(r.query);
    return { status: 200, body: reportFor(q.get('from') ?? '', q.get('to') ?? '', list) };
  });
  worker.route('GET', '/v1/report.csv', { status: 200, body: 'day,rule_id\r\n2026-11-29,rule_1\r\n' });
  render(
    <AppThemeProvider>
      <SessionProvider grant={worker.grant} fetch={worker.fetch}>
        <ClientProvider client={client}>
          <NavBar connectPollIntervalMs={20} />
        </ClientProvider>
      </SessionProvider>
    </AppThemeProvider>,
  );
  return { worker };
}

afterEach(() => {
  plots.length = 0;
  sessionStorage.clear();
  vi.restoreAllMocks();
});

describe('Report tab', () => {
  it('shows the last 30 days per day and rule, with reasons, totals and the delivery-rate chart', async () => {
    const { worker } = setup();
    fireEvent.click(await screen.findByRole('tab', { name: 'Report' }));
    const table = await screen.findByRole('table', { name: 'Delivery report' });
    const [query] = worker.requestsTo('GET', '/v1/report').map((r) => new URLSearchParams(r.query));
    expect(query?.get('to')).toBe(TODAY);
    expect(query?.get('from')).toBe(daysAgo(29));

    const bodyRows = within(table).getAllByRole('row').slice(1);
    expect(bodyRows).toHaveLength(3);
    const cells = (i: number) => within(bodyRows[i] as HTMLElement).getAllByRole('cell').map((c) => c.textContent);
    expect(cells(0).slice(0, 5)).toEqual([daysAgo(1), 'Thank the customer', '4', '3', '75.0%']);
    expect(cells(0)[5]).toContain('The carrier could not deliver it: 1');
    expect(cells(0)[6]).toContain('The recipient opted out (replied STOP): 1');
    expect(cells(0)[6]).toContain('No valid phone number: 1');
    expect(cells(0).slice(7)).toEqual(['1', '5', '0.02 USD']);
    expect(cells(1).slice(0, 5)).toEqual([TODAY, 'Escalation alert', '2', '2', '100.0%']);
    // Totals: 6 sent, 5 delivered (83.3%), 1 failed, 2 skipped, 1 opt-out, 7 parts, 0.028 USD.
    expect(cells(2)[0]).toBe('Total');
    expect(cells(2).slice(2, 5)).toEqual(['6', '5', '83.3%']);
    expect(cells(2).slice(7)).toEqual(['1', '7', '0.028 USD']);

    // One point per day of the range; days without sent messages are gaps.
    expect(screen.getByRole('img', { name: 'Delivery rate per day' })).toBeInTheDocument();
    const plot = plots.at(-1);
    if (!plot) throw new Error('no chart drawn');
    const [days, rates] = plot.data as [number[], Array<number | null>];
    expect(days).toHaveLength(30);
    expect(rates.slice(-2)).toEqual([75, 100]);
    expect(rates.slice(0, 28).every((r) => r === null)).toBe(true);
  });

  it('names every skip reason in the breakdown, also those added after the report (migration 0011)', async () => {
    const added = ['summary_unavailable', 'country_not_allowed', 'erased', 'ticket_reopened', 'cancelled_by_agent'] as const;
    const skippedByReason = { ...emptyCounts().skippedByReason };
    for (const [i, r] of added.entries()) skippedByReason[r] = i + 1;
    setup([row({ total: 15, skipped: 15, skippedByReason, pending: 0 })]);
    fireEvent.click(await screen.findByRole('tab', { name: 'Report' }));
    const table = await screen.findByRole('table', { name: 'Delivery report' });
    const [first] = within(table).getAllByRole('row').slice(1);
    const skippedCell = within(first as HTMLElement).getAllByRole('cell')[6]?.textContent ?? '';
    expect(skippedCell.startsWith('15')).toBe(true);
    for (const [label, n] of [
      ['The summary could not be generated', 1],
      ['Not sent: texts to this country are not allowed in the settings', 2],
      ['Not sent: the data was erased on request', 3],
      ['The ticket was reopened before it was due', 4],
      ['Cancelled by an agent', 5],
    ] as const)
      expect(skippedCell).toContain(`${label}: ${n}`);
  });

  it('asks the worker for the chosen range and says when nothing was sent', async () => {
    const { worker } = setup();
    fireEvent.click(await screen.findByRole('tab', { name: 'Report' }));
    await screen.findByRole('table', { name: 'Delivery report' });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-01-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2025-01-31' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect(await screen.findByText('No SMS in this period.')).toBeInTheDocument();
    const last = worker.requestsTo('GET', '/v1/report').at(-1);
    expect(new URLSearchParams(last?.query).get('from')).toBe('2025-01-01');
    expect(new URLSearchParams(last?.query).get('to')).toBe('2025-01-31');

    // More than 366 days: refused before asking.
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2023-01-01' } });
    expect(screen.getByText('Choose a start on or before the end, at most 366 days apart.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Show' })).toBeDisabled();
  });

  it('downloads the CSV with the session bearer and saves it as a file', async () => {
    const { worker } = setup();
    const blobs: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:report';
    });
    URL.revokeObjectURL = vi.fn();
    const clicked: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    fireEvent.click(await screen.findByRole('tab', { name: 'Report' }));
    await screen.findByRole('table', { name: 'Delivery report' });
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]).toEqual({ href: 'blob:report', download: `sms-report-${daysAgo(29)}-to-${TODAY}.csv` });
    expect(await readBlob(blobs[0])).toBe('day,rule_id\r\n2026-11-29,rule_1\r\n');
    expect(blobs[0]?.type).toBe('text/csv;charset=utf-8');
    const [csvCall] = worker.requestsTo('GET', '/v1/report.csv');
    expect(csvCall?.token).toBe(worker.grant.token);
  });
});

describe('dailyRates', () => {
  it('sums the rules of a day before dividing', () => {
    const r = reportFor(daysAgo(1), TODAY);
    expect(dailyRates(r).rates).toEqual([75, 100]);
    expect(dailyRates({ ...r, rows: [...r.rows, row({ ruleId: 'rule_3', sent: 2, delivered: 0 })] }).rates).toEqual([75, 50]);
  });
});
