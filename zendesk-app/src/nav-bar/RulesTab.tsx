// RulesTab: the ordered rule list (move up/down or drag to reorder, enable toggle, duplicate,
// delete with confirmation) and the rule editor. An installation may have 10,000 rules: the list
// is read a page at a time from the worker and shown PAGE_ROWS rows at a time (the table renders
// one page, not every rule); moving a rule up or down crosses page edges. Creating and saving rules is disabled, with the
// reason, until the requirements are met. A rule that names ticket fields Zendesk no longer has
// (the worker's `brokenFields`) carries a warning tag. A rule form kept when the last session
// ended opens again in the editor.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Toggle } from '@zendeskgarden/react-forms';
import { Modal } from '@zendeskgarden/react-modals';
import { Alert } from '@zendeskgarden/react-notifications';
import { Table } from '@zendeskgarden/react-tables';
import { Tag } from '@zendeskgarden/react-tags';
import { Paragraph, SM } from '@zendeskgarden/react-typography';
import type { Rule } from '../../../shared/schemas/rule.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { useAsync } from '../lib/use-async.ts';
import { DRAFT_RULE, draftOwner, loadDraft } from '../session/drafts.ts';
import { useSession } from '../session/session-provider.tsx';
import { ErrorAlert, Loading } from '../ui/common.tsx';
import { useAdmin } from './admin-context.tsx';
import { RequirementsChecklist, requirementsReason } from './RequirementsChecklist.tsx';
import { RuleEditor } from './RuleEditor.tsx';
import { type RuleDraft, StoredRuleDraft } from './rule-draft.ts';

function byPosition(rules: Rule[]): Rule[] {
  return [...rules].sort((a, b) => a.position - b.position);
}

function recipientsSummary(rule: Rule): string {
  const parts: string[] = [];
  if (rule.recipients.customer) parts.push(t('rules.recipient_customer'));
  if (rule.recipients.assignedAgent) parts.push(t('rules.recipient_agent'));
  if (rule.recipients.otherNumbers.length > 0) {
    parts.push(t('rules.recipient_others', { count: rule.recipients.otherNumbers.length }));
  }
  return parts.join(', ');
}

/** Rows the table shows at once. */
const PAGE_ROWS = 50;

function moveItem<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

export function RulesTab({ onOpenSetup }: { onOpenSetup: () => void }) {
  const { api, me, settings } = useAdmin();
  const { location } = useSession();
  const { requirements } = settings;
  const blockedReason = requirementsReason(requirements);
  const [loading, setLoading] = useState<{ loaded: number; total: number } | null>(null);
  const { state, reload, setData } = useAsync(
    async () => byPosition(await api.listRules((loaded, total) => setLoading(loaded < total ? { loaded, total } : null))),
    [api],
  );
  const [page, setPage] = useState(0);
  const [editing, setEditing] = useState<{ rule: Rule | null; restored?: RuleDraft } | null>(null);
  const [kept] = useState(() => loadDraft(location, DRAFT_RULE, draftOwner(me), StoredRuleDraft));
  const keptOpened = useRef(false);
  const [actionError, setActionError] = useState<{ title: string; error: WorkerApiError } | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<Rule | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);

  const act = useCallback(async (id: string, title: string, action: () => Promise<void>) => {
    setBusyId(id);
    setActionError(null);
    try {
      await action();
    } catch (reason) {
      setActionError({ title, error: toWorkerApiError(reason) });
    } finally {
      setBusyId(null);
    }
  }, []);

  // Once the rules are known, open the kept form on its rule (or as a new rule when that rule is
  // gone: nothing typed is lost).
  useEffect(() => {
    if (!kept || !state.data || keptOpened.current) return;
    keptOpened.current = true;
    const rule = kept.ruleId === null ? null : (state.data.find((r) => r.id === kept.ruleId) ?? null);
    setEditing({ rule, restored: kept.draft });
  }, [kept, state.data]);

  const replace = (rule: Rule) =>
    setData((rules) =>
      byPosition(rules.some((r) => r.id === rule.id) ? rules.map((r) => (r.id === rule.id ? rule : r)) : [...rules, rule]),
    );

  const reorder = (rules: Rule[], from: number, to: number) => {
    if (to < 0 || to >= rules.length || from === to) return;
    const moved = rules[from];
    if (!moved) return;
    const next = moveItem(rules, from, to);
    // Optimistic, with the positions the worker gives (0..n-1 in this order); its answer is only
    // the first page, so the whole list is kept here.
    const renumbered = next.map((r, position) => ({ ...r, position }));
    setData(() => renumbered);
    if (Math.floor(to / PAGE_ROWS) !== Math.floor(from / PAGE_ROWS)) setPage(Math.floor(to / PAGE_ROWS));
    void act(moved.id, t('rules.reorder_failed'), async () => {
      try {
        await api.reorderRules(next.map((r) => r.id));
      } catch (error) {
        setData(() => rules);
        throw error;
      }
    });
  };

  if (editing) {
    return (
      <RuleEditor
        rule={editing.rule}
        restored={editing.restored}
        onSaved={(rule) => {
          replace(rule);
          setEditing(null);
        }}
        onCancel={() => setEditing(null)}
      />
    );
  }

  if (state.status === 'error' && !state.data) {
    return <ErrorAlert title={t('rules.load_failed')} error={state.error} onRetry={reload} />;
  }
  if (!state.data) {
    return loading ? <SM role="status">{t('rules.loading_more', { loaded: loading.loaded, total: loading.total })}</SM> : <Loading />;
  }
  const rules = state.data;
  const pages = Math.max(1, Math.ceil(rules.length / PAGE_ROWS));
  const shownPage = Math.min(page, pages - 1);
  const first = shownPage * PAGE_ROWS;
  const shown = rules.slice(first, first + PAGE_ROWS);

  return (
    <section aria-label={t('rules.title')} style={{ paddingTop: 16 }}>
      {!requirements.ready && (
        <>
          <RequirementsChecklist requirements={requirements} />
          <Button size="small" isBasic onClick={onOpenSetup} style={{ marginBottom: 16 }}>
            {t('rules.open_setup')}
          </Button>
        </>
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 16 }}>
        <Button
          isPrimary
          disabled={blockedReason !== null}
          aria-describedby={blockedReason ? 'new-rule-blocked' : undefined}
          onClick={() => setEditing({ rule: null })}
        >
          {t('rules.new')}
        </Button>
        {blockedReason && (
          <SM id="new-rule-blocked" role="note">
            {blockedReason}
          </SM>
        )}
      </div>
      {actionError && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert title={actionError.title} error={actionError.error} />
        </div>
      )}
      {rules.length === 0 ? (
        <Alert type="info">
          <Alert.Title>{t('rules.empty_title')}</Alert.Title>
          <Alert.Paragraph>{t('rules.empty_body')}</Alert.Paragraph>
        </Alert>
      ) : (
        <>
          <Paragraph style={{ marginBottom: 8 }}>{t('rules.order_hint')}</Paragraph>
          <Table aria-label={t('rules.table_label')}>
            <Table.Head>
              <Table.HeaderRow>
                <Table.HeaderCell width="48px">#</Table.HeaderCell>
                <Table.HeaderCell>{t('rules.col_rule')}</Table.HeaderCell>
                <Table.HeaderCell>{t('rules.col_sender')}</Table.HeaderCell>
                <Table.HeaderCell width="110px">{t('rules.col_enabled')}</Table.HeaderCell>
                <Table.HeaderCell>{t('rules.col_actions')}</Table.HeaderCell>
              </Table.HeaderRow>
            </Table.Head>
            <Table.Body>
              {shown.map((rule, row) => {
                const index = first + row;
                return (
                <Table.Row
                  key={rule.id}
                  data-testid={`rule-row-${rule.id}`}
                  draggable
                  onDragStart={() => setDragId(rule.id)}
                  onDragOver={(e) => e.preventDefault()}
                  onDrop={(e) => {
                    e.preventDefault();
                    const from = rules.findIndex((r) => r.id === dragId);
                    setDragId(null);
                    if (from >= 0) reorder(rules, from, index);
                  }}
                  style={{ cursor: 'grab' }}
                >
                  <Table.Cell>{index + 1}</Table.Cell>
                  <Table.Cell>
                    <div style={{ fontWeight: 600 }}>{rule.label}</div>
                    {rule.brokenFields && rule.brokenFields.length > 0 && (
                      <Tag
                        hue="red"
                        size="small"
                        title={t('rules.broken_fields_hint')}
                        data-testid={`rule-broken-${rule.id}`}
                      >
                        {t('rules.broken_fields', { count: rule.brokenFields.length, fields: rule.brokenFields.join(', ') })}
                      </Tag>
                    )}
                    <SM>
                      {recipientsSummary(rule)}
                      {rule.stopProcessing ? ` · ${t('rules.stops')}` : ''}
                    </SM>
                  </Table.Cell>
                  <Table.Cell>{rule.senderNumber}</Table.Cell>
                  <Table.Cell>
                    <Field>
                      <Toggle
                        checked={rule.enabled}
                        disabled={busyId === rule.id}
                        onChange={(e) => {
                          const enabled = e.target.checked;
                          void act(rule.id, t('rules.toggle_failed'), async () => replace(await api.patchRule(rule.id, { enabled })));
                        }}
                      >
                        <Field.Label hidden>{t('rules.enabled_label', { label: rule.label })}</Field.Label>
                      </Toggle>
                    </Field>
                  </Table.Cell>
                  <Table.Cell>
                    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }}>
                      <Button
                        size="small"
                        disabled={index === 0 || busyId !== null}
                        aria-label={t('rules.move_up', { label: rule.label })}
                        onClick={() => reorder(rules, index, index - 1)}
                      >
                        ↑
                      </Button>
                      <Button
                        size="small"
                        disabled={index === rules.length - 1 || busyId !== null}
                        aria-label={t('rules.move_down', { label: rule.label })}
                        onClick={() => reorder(rules, index, index + 1)}
                      >
                        ↓
                      </Button>
                      <Button size="small" aria-label={t('rules.edit', { label: rule.label })} onClick={() => setEditing({ rule })}>
                        {t('common.edit')}
                      </Button>
                      <Button
                        size="small"
                        disabled={busyId === rule.id || blockedReason !== null}
                        aria-label={t('rules.duplicate', { label: rule.label })}
                        onClick={() =>
                          void act(rule.id, t('rules.duplicate_failed'), async () => replace(await api.duplicateRule(rule.id)))
                        }
                      >
                        {t('common.duplicate')}
                      </Button>
                      <Button
                        size="small"
                        isDanger
                        disabled={busyId === rule.id}
                        aria-label={t('rules.delete', { label: rule.label })}
                        onClick={() => setToDelete(rule)}
                      >
                        {t('common.delete')}
                      </Button>
                    </div>
                  </Table.Cell>
                </Table.Row>
                );
              })}
            </Table.Body>
          </Table>
          {pages > 1 && (
            <nav aria-label={t('rules.table_label')} style={{ display: 'flex', alignItems: 'center', gap: 12, marginTop: 12 }}>
              <Button size="small" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>
                {t('rules.page_previous')}
              </Button>
              <SM role="status">
                {t('rules.page_range', {
                  from: (first + 1).toLocaleString('en-US'),
                  to: (first + shown.length).toLocaleString('en-US'),
                  total: rules.length.toLocaleString('en-US'),
                })}
              </SM>
              <Button size="small" disabled={shownPage >= pages - 1} onClick={() => setPage(shownPage + 1)}>
                {t('rules.page_next')}
              </Button>
            </nav>
          )}
        </>
      )}
      {toDelete && (
        <Modal onClose={() => setToDelete(null)} aria-label={t('rules.delete_title')}>
          <Modal.Header isDanger>{t('rules.delete_title')}</Modal.Header>
          <Modal.Body>{t('rules.delete_body', { label: toDelete.label })}</Modal.Body>
          <Modal.Footer>
            <Modal.FooterItem>
              <Button isBasic onClick={() => setToDelete(null)}>
                {t('common.cancel')}
              </Button>
            </Modal.FooterItem>
            <Modal.FooterItem>
              <Button
                isPrimary
                isDanger
                onClick={() => {
                  const rule = toDelete;
                  setToDelete(null);
                  void act(rule.id, t('rules.delete_failed'), async () => {
                    await api.deleteRule(rule.id);
                    setData((list) => list.filter((r) => r.id !== rule.id));
                  });
                }}
              >
                {t('rules.delete_confirm')}
              </Button>
            </Modal.FooterItem>
          </Modal.Footer>
          <Modal.Close aria-label={t('common.close')} />
        </Modal>
      )}
    </section>
  );
}
