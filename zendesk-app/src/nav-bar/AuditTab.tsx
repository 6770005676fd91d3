// AuditTab: who changed which rule or setting when (newest first, as the worker returns them).
import { Button } from '@zendeskgarden/react-buttons';
import { Table } from '@zendeskgarden/react-tables';
import { Paragraph } from '@zendeskgarden/react-typography';
import type { AuditEntry } from '../../../shared/schemas/api.ts';
import { t } from '../i18n/t.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { ErrorAlert, Loading } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

function Changes({ changes }: { changes: AuditEntry['changes'] }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return <>—</>;
  return (
    <ul style={{ margin: 0, paddingLeft: 16 }}>
      {entries.map(([field, change]) => (
        <li key={field} style={{ overflowWrap: 'anywhere' }}>
          {t('audit.change', { field, from: formatValue(change.from), to: formatValue(change.to) })}
        </li>
      ))}
    </ul>
  );
}

export function AuditTab() {
  const { api } = useAdmin();
  const { state, reload } = useAsync(() => api.listAudit(), [api]);

  if (state.status === 'error') return <ErrorAlert title={t('audit.load_failed')} error={state.error} onRetry={reload} />;
  if (state.status === 'loading' && !state.data) return <Loading />;
  const entries = state.data ?? [];

  return (
    <section aria-label={t('audit.title')} style={{ paddingTop: 16 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Paragraph>{t('audit.intro')}</Paragraph>
        <Button size="small" onClick={reload}>
          {t('common.refresh')}
        </Button>
      </div>
      {entries.length === 0 ? (
        <Paragraph style={{ marginTop: 16 }}>{t('audit.empty')}</Paragraph>
      ) : (
        <Table style={{ marginTop: 16 }}>
          <Table.Head>
            <Table.HeaderRow>
              <Table.HeaderCell>{t('audit.when')}</Table.HeaderCell>
              <Table.HeaderCell>{t('audit.who')}</Table.HeaderCell>
              <Table.HeaderCell>{t('audit.action')}</Table.HeaderCell>
              <Table.HeaderCell>{t('audit.subject')}</Table.HeaderCell>
              <Table.HeaderCell>{t('audit.changes')}</Table.HeaderCell>
            </Table.HeaderRow>
          </Table.Head>
          <Table.Body>
            {entries.map((entry) => (
              <Table.Row key={entry.id}>
                <Table.Cell>{formatDateTime(entry.at)}</Table.Cell>
                <Table.Cell>{t('audit.actor', { user: entry.actorUserId, role: entry.actorRole })}</Table.Cell>
                <Table.Cell>{entry.action}</Table.Cell>
                <Table.Cell>{entry.subjectId ?? '—'}</Table.Cell>
                <Table.Cell>
                  <Changes changes={entry.changes} />
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </section>
  );
}
