// RuleEditor: every field of a rule (RuleInput). Validates with the shared schema before saving,
// checks phone numbers as you type, shows each 422 field error on its input (the rest in a
// summary), and keeps what was typed when a save fails or the session ends (sessionStorage,
// opened again after the reload until it is saved or discarded).
import { useMemo, useState } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Checkbox, Field, Fieldset, Input, Select, Toggle } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { LG, MD, SM } from '@zendeskgarden/react-typography';
import { contentPlaceholderErrors } from '../../../shared/compose/placeholders.ts';
import { EndEvent, FieldOperator, RuleInput, SEND_DELAY_MAX_MINUTES, type Rule } from '../../../shared/schemas/rule.ts';
import type { FieldChoice } from '../api/zendesk-api.ts';
import { SYSTEM_FIELDS } from '../api/zendesk-api.ts';
import { toWorkerApiError, type WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { fromApiFields, fromZodError, type FieldErrors } from '../lib/field-errors.ts';
import { useAsync } from '../lib/use-async.ts';
import { clearDraft, DRAFT_RULE, draftOwner } from '../session/drafts.ts';
import { useDraftKeeper, useSession } from '../session/session-provider.tsx';
import { describeError, ErrorAlert } from '../ui/common.tsx';
import type { SavedRuleResponse } from '../api/admin-api.ts';
import { useAdmin } from './admin-context.tsx';
import { usReasonText } from './us-reach.tsx';
import { RuleTexts } from './RuleTexts.tsx';
import { phoneProblem } from './phone-check.ts';
import { requirementsReason } from './RequirementsChecklist.tsx';
import {
  draftFromRule,
  draftToInput,
  emptyDraft,
  isRuleDraftChanged,
  newKey,
  placeRuleErrors,
  splitValues,
  type ConditionDraft,
  type RuleDraft,
} from './rule-draft.ts';
import { RuleTryOut } from './RuleTryOut.tsx';
import { Message, RestoredNotice, Section } from './form-parts.tsx';

export interface RuleEditorProps {
  rule: Rule | null;
  /** A form kept when the last session ended, to continue from. */
  restored?: RuleDraft;
  onSaved: (rule: Rule) => void;
  onCancel: () => void;
}

/** Shows more than a handful of groups with a filter box. */
const GROUP_FILTER_THRESHOLD = 8;

/**
 * The field choices; `current` is the select's value. A value that is not among the choices once
 * the custom fields have loaded (deleted or made inactive in Zendesk since the rule was saved)
 * stays visible as "missing" rather than showing as "Pick a field".
 */
function FieldOptions({ fields, current, loaded }: { fields: FieldChoice[]; current: string; loaded: boolean }) {
  const system = fields.filter((f) => !f.isCustom);
  const custom = fields.filter((f) => f.isCustom);
  const missing = loaded && current !== '' && !fields.some((f) => f.ref === current);
  return (
    <>
      <option value="">{t('editor.pick_field')}</option>
      {missing && <option value={current}>{t('editor.missing_field', { ref: current })}</option>}
      <optgroup label={t('editor.system_fields')}>
        {system.map((f) => (
          <option key={f.ref} value={f.ref}>
            {f.title}
          </option>
        ))}
      </optgroup>
      {custom.length > 0 && (
        <optgroup label={t('editor.custom_fields')}>
          {custom.map((f) => (
            <option key={f.ref} value={f.ref}>
              {f.title}
            </option>
          ))}
        </optgroup>
      )}
    </>
  );
}

function ConditionValue({
  condition,
  field,
  error,
  index,
  onChange,
}: {
  condition: ConditionDraft;
  field: FieldChoice | undefined;
  error: string | undefined;
  index: number;
  onChange: (patch: Partial<ConditionDraft>) => void;
}) {
  const label = t('editor.condition_value', { n: index + 1 });
  const options = field?.options ?? [];
  if (condition.operator === 'is_set' || condition.operator === 'is_empty') return null;
  if (condition.operator === 'one_of' && options.length > 0) {
    const picked = new Set(splitValues(condition.valuesText));
    return (
      <Fieldset>
        <Fieldset.Legend>{t('editor.condition_values', { n: index + 1 })}</Fieldset.Legend>
        {options.map((o) => (
          <Field key={o.value}>
            <Checkbox
              checked={picked.has(o.value)}
              onChange={(e) => {
                const next = new Set(picked);
                if (e.target.checked) next.add(o.value);
                else next.delete(o.value);
                onChange({ valuesText: [...next].join(', ') });
              }}
            >
              <Field.Label isRegular>{o.label}</Field.Label>
            </Checkbox>
          </Field>
        ))}
        {error && <SM style={{ color: '#cc3340' }}>{error}</SM>}
      </Fieldset>
    );
  }
  if (condition.operator === 'one_of') {
    return (
      <Field style={{ flex: 1 }}>
        <Field.Label>{t('editor.condition_values', { n: index + 1 })}</Field.Label>
        <Field.Hint>{t('editor.comma_separated')}</Field.Hint>
        <Input
          value={condition.valuesText}
          validation={error ? 'error' : undefined}
          onChange={(e) => onChange({ valuesText: e.target.value })}
        />
        <Message text={error} />
      </Field>
    );
  }
  if (options.length > 0 && condition.operator !== 'contains') {
    return (
      <Field style={{ flex: 1 }}>
        <Field.Label>{label}</Field.Label>
        <Select value={condition.value} validation={error ? 'error' : undefined} onChange={(e) => onChange({ value: e.target.value })}>
          <option value="">{t('editor.empty_value')}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
        <Message text={error} />
      </Field>
    );
  }
  return (
    <Field style={{ flex: 1 }}>
      <Field.Label>{label}</Field.Label>
      <Input value={condition.value} validation={error ? 'error' : undefined} onChange={(e) => onChange({ value: e.target.value })} />
      <Message text={error} />
    </Field>
  );
}

export function RuleEditor({ rule, restored, onSaved, onCancel }: RuleEditorProps) {
  const { api, zendesk, me, settings: settingsResponse } = useAdmin();
  const { location } = useSession();
  const { settings, requirements } = settingsResponse;
  const blockedReason = requirementsReason(requirements);
  const [draft, setDraft] = useState<RuleDraft>(() => restored ?? (rule ? draftFromRule(rule) : emptyDraft()));
  const [isRestored, setRestored] = useState(restored !== undefined);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saveError, setSaveError] = useState<WorkerApiError | null>(null);
  const [isSaving, setSaving] = useState(false);
  /** Saved, but the worker warned (e.g. the sender cannot text US recipients): shown before leaving. */
  const [savedWithWarnings, setSavedWithWarnings] = useState<SavedRuleResponse | null>(null);
  const [groupFilter, setGroupFilter] = useState('');

  const numbers = useAsync(() => api.listTelnyxNumbers(), [api]);
  const groups = useAsync(() => zendesk.listGroups(), [zendesk]);
  const customFields = useAsync(() => zendesk.listCustomFields(), [zendesk]);
  const fields = useMemo(() => [...SYSTEM_FIELDS, ...(customFields.state.data ?? [])], [customFields.state.data]);
  const fieldByRef = useMemo(() => new Map(fields.map((f) => [f.ref, f])), [fields]);

  useDraftKeeper(DRAFT_RULE, () =>
    // Nothing to keep once saved (a save with warnings stays on screen until "Back to the rules").
    savedWithWarnings === null && (isRestored || isRuleDraftChanged(draft, rule))
      ? { owner: draftOwner(me), value: { ruleId: rule?.id ?? null, draft } }
      : null,
  );

  function discardRestored() {
    clearDraft(location, DRAFT_RULE);
    setRestored(false);
    setDraft(rule ? draftFromRule(rule) : emptyDraft());
    setErrors({});
    setSaveError(null);
  }

  const { slots, unplaced } = placeRuleErrors(errors, draft);
  const phoneProblems = draft.otherNumbers.map((n) => phoneProblem(n.value, settings.defaultCountry));

  /** Applies a change and drops the errors of the slots it touches. */
  function update(change: (d: RuleDraft) => RuleDraft, ...touched: string[]) {
    setDraft(change);
    if (touched.length > 0) {
      setErrors((current) => {
        const next: FieldErrors = {};
        for (const [key, message] of Object.entries(current)) {
          const slot = Object.keys(placeRuleErrors({ [key]: message }, draft).slots)[0];
          if (!touched.some((prefix) => slot === prefix || (slot ?? key).startsWith(`${prefix}.`))) next[key] = message;
        }
        return next;
      });
    }
  }

  /** The rule as typed when it passes the shared schema and the phone checks; else shows why. */
  function validInput(): RuleInput | null {
    const input = draftToInput(draft);
    const parsed = RuleInput.safeParse(input);
    const found: FieldErrors = parsed.success ? {} : fromZodError(parsed.error);
    // Placeholders as the worker checks them on save (shared/compose/placeholders.ts).
    for (const problem of contentPlaceholderErrors({ customText: draft.customText, translations: draft.translations })) found[problem.field] ??= problem.reason;
    phoneProblems.forEach((problem, i) => {
      if (problem) found[`recipients.otherNumbers.${i}`] ??= problem;
    });
    setErrors(found);
    return Object.keys(found).length === 0 ? input : null;
  }

  async function save() {
    setSaveError(null);
    const input = validInput();
    if (!input) return;
    setSaving(true);
    try {
      const saved = rule ? await api.replaceRule(rule.id, input) : await api.createRule(input);
      clearDraft(location, DRAFT_RULE);
      if (saved.warnings.length > 0) {
        setSavedWithWarnings(saved);
        setSaving(false);
        return;
      }
      onSaved(saved);
    } catch (reason) {
      const failure = toWorkerApiError(reason);
      setErrors(fromApiFields(failure.fields));
      setSaveError(failure);
      setSaving(false);
    }
  }

  const numberList = numbers.state.data?.numbers ?? [];
  const alphaList = numbers.state.data?.alphanumericSenders ?? [];
  const senderUs =
    numberList.find((n) => n.phoneNumber === draft.senderNumber)?.us ?? alphaList.find((a) => a.senderId === draft.senderNumber)?.us ?? null;
  const senderOptions =
    draft.senderNumber !== '' && !numberList.some((n) => n.phoneNumber === draft.senderNumber) && !alphaList.some((a) => a.senderId === draft.senderNumber)
      ? [{ phoneNumber: draft.senderNumber }, ...numberList]
      : numberList;
  const groupList = groups.state.data ?? [];
  const visibleGroups =
    groupFilter.trim() === '' ? groupList : groupList.filter((g) => g.name.toLowerCase().includes(groupFilter.trim().toLowerCase()));
  const summariesOff = !settings.summariesEnabled;

  return (
    <form
      aria-label={rule ? t('editor.title_edit', { label: rule.label }) : t('editor.title_new')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      style={{ paddingTop: 16, maxWidth: 760 }}
    >
      <LG tag="h2">{rule ? t('editor.title_edit', { label: rule.label }) : t('editor.title_new')}</LG>

      {isRestored && <RestoredNotice onDiscard={discardRestored} />}

      {saveError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert
            title={saveError.code === 'requirements_not_met' ? t('editor.requirements_not_met') : t('editor.save_failed')}
            error={saveError}
          />
        </div>
      )}
      {savedWithWarnings && (
        <Alert type="warning" role="alert" style={{ marginTop: 12 }}>
          <Alert.Title>{t('editor.saved_with_warnings')}</Alert.Title>
          {savedWithWarnings.warnings.map((w) => (
            <Alert.Paragraph key={`${w.field}:${w.code}`}>{w.message}</Alert.Paragraph>
          ))}
          <Button size="small" style={{ marginTop: 8 }} onClick={() => onSaved(savedWithWarnings)}>
            {t('editor.back_to_rules')}
          </Button>
        </Alert>
      )}
      {unplaced.length > 0 && (
        <Alert type="error" style={{ marginTop: 12 }} role="alert">
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

      <Section isStacked title={t('editor.section_general')}>
        <Field>
          <Field.Label>{t('editor.label')}</Field.Label>
          <Field.Hint>{t('editor.label_hint')}</Field.Hint>
          <Input
            value={draft.label}
            maxLength={200}
            validation={slots.label ? 'error' : undefined}
            onChange={(e) => {
              const label = e.target.value;
              update((d) => ({ ...d, label }), 'label');
            }}
          />
          <Message text={slots.label} />
        </Field>
        <Field>
          <Toggle
            checked={draft.enabled}
            onChange={(e) => {
              const enabled = e.target.checked;
              update((d) => ({ ...d, enabled }), 'enabled');
            }}
          >
            <Field.Label>{t('editor.enabled')}</Field.Label>
          </Toggle>
          <Message text={slots.enabled} />
        </Field>
        <Field>
          <Field.Label>{t('editor.sender')}</Field.Label>
          {numbers.state.status === 'error' ? (
            <>
              <Field.Hint>{t('editor.sender_manual', { message: describeError(numbers.state.error) })}</Field.Hint>
              <Input
                type="tel"
                value={draft.senderNumber}
                validation={slots.senderNumber ? 'error' : undefined}
                onChange={(e) => {
                  const senderNumber = e.target.value;
                  update((d) => ({ ...d, senderNumber }), 'senderNumber');
                }}
              />
            </>
          ) : (
            <>
              <Field.Hint>
                {numbers.state.status === 'loading' ? t('editor.sender_loading') : t('editor.sender_hint', { count: numberList.length })}
              </Field.Hint>
              <Select
                value={draft.senderNumber}
                validation={slots.senderNumber ? 'error' : undefined}
                onChange={(e) => {
                  const senderNumber = e.target.value;
                  update((d) => ({ ...d, senderNumber }), 'senderNumber');
                }}
              >
                <option value="">{t('editor.pick_sender')}</option>
                {senderOptions.map((n) => (
                  <option key={n.phoneNumber} value={n.phoneNumber}>
                    {n.phoneNumber}
                  </option>
                ))}
                {alphaList.length > 0 && (
                  <optgroup label={t('editor.alphanumeric_senders')}>
                    {alphaList.map((a) => (
                      <option key={a.senderId} value={a.senderId}>
                        {a.senderId}
                      </option>
                    ))}
                  </optgroup>
                )}
              </Select>
            </>
          )}
          {senderUs && senderUs.status !== 'ready' && (
            <SM data-testid="sender-us-warning" style={{ color: '#ad5e18', marginTop: 4 }}>
              {t('editor.sender_us', { status: t(`setup.us_status.${senderUs.status}`), reason: usReasonText(senderUs) })}
            </SM>
          )}
          <Message text={slots.senderNumber} />
        </Field>
      </Section>

      <Section isStacked title={t('editor.section_recipients')}>
        <Fieldset>
          <Fieldset.Legend>{t('editor.recipients')}</Fieldset.Legend>
          <Field>
            <Checkbox
              checked={draft.customer}
              onChange={(e) => {
                const customer = e.target.checked;
                update((d) => ({ ...d, customer }), 'recipients');
              }}
            >
              <Field.Label>{t('editor.to_customer')}</Field.Label>
              <Field.Hint>
                {settings.customerFallbackToRequesterPhone ? t('editor.to_customer_hint_fallback') : t('editor.to_customer_hint')}
              </Field.Hint>
            </Checkbox>
          </Field>
          <Field>
            <Checkbox
              checked={draft.assignedAgent}
              onChange={(e) => {
                const assignedAgent = e.target.checked;
                update((d) => ({ ...d, assignedAgent }), 'recipients');
              }}
            >
              <Field.Label>{t('editor.to_agent')}</Field.Label>
              <Field.Hint>{t('editor.to_agent_hint')}</Field.Hint>
            </Checkbox>
          </Field>
          {slots.recipients && (
            <SM role="alert" style={{ color: '#cc3340' }}>
              {slots.recipients}
            </SM>
          )}
        </Fieldset>
        <div>
          <MD isBold>{t('editor.other_numbers')}</MD>
          <SM>{t('editor.other_numbers_hint', { country: settings.defaultCountry })}</SM>
          {draft.otherNumbers.map((n, i) => {
            const message = phoneProblems[i] ?? slots[`recipients.otherNumbers.${i}`];
            return (
              <div key={n.key} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', marginTop: 8 }}>
                <Field style={{ flex: 1 }}>
                  <Field.Label hidden>{t('editor.other_number_n', { n: i + 1 })}</Field.Label>
                  <Input
                    type="tel"
                    value={n.value}
                    placeholder="+14155550123"
                    validation={message ? 'error' : undefined}
                    onChange={(e) => {
                      const value = e.target.value;
                      update(
                        (d) => ({
                          ...d,
                          otherNumbers: d.otherNumbers.map((o) => (o.key === n.key ? { ...o, value } : o)),
                        }),
                        `recipients.otherNumbers.${i}`,
                      );
                    }}
                  />
                  <Message text={message ?? undefined} />
                </Field>
                <Button
                  size="small"
                  isBasic
                  aria-label={t('editor.remove_number', { n: i + 1 })}
                  onClick={() =>
                    update((d) => ({ ...d, otherNumbers: d.otherNumbers.filter((o) => o.key !== n.key) }), 'recipients.otherNumbers')
                  }
                  style={{ marginTop: 4 }}
                >
                  {t('common.remove')}
                </Button>
              </div>
            );
          })}
          {slots['recipients.otherNumbers'] && (
            <SM role="alert" style={{ color: '#cc3340' }}>
              {slots['recipients.otherNumbers']}
            </SM>
          )}
          <Button
            size="small"
            style={{ marginTop: 8 }}
            onClick={() => update((d) => ({ ...d, otherNumbers: [...d.otherNumbers, { key: newKey(), value: '' }] }))}
          >
            {t('editor.add_number')}
          </Button>
        </div>
      </Section>

      <Section isStacked title={t('editor.section_content')}>
        <RuleTexts draft={draft} slots={slots} maxParts={settings.maxParts} update={update} />
        <Field>
          <Checkbox
            checked={draft.includeSummary}
            disabled={summariesOff && !draft.includeSummary}
            onChange={(e) => {
              const includeSummary = e.target.checked;
              update((d) => ({ ...d, includeSummary }), 'content.includeSummary', 'content');
            }}
          >
            <Field.Label>{t('editor.include_summary')}</Field.Label>
            <Field.Hint>{summariesOff ? t('editor.summary_off') : t('editor.summary_hint')}</Field.Hint>
          </Checkbox>
          <Message text={slots['content.includeSummary']} />
        </Field>
        {draft.includeSummary && (
          <Field>
            <Checkbox
              checked={draft.skipIfNoSummary}
              onChange={(e) => {
                const skipIfNoSummary = e.target.checked;
                update((d) => ({ ...d, skipIfNoSummary }), 'content.skipIfNoSummary', 'content');
              }}
            >
              <Field.Label>{t('editor.skip_if_no_summary')}</Field.Label>
              <Field.Hint>{t('editor.skip_if_no_summary_hint')}</Field.Hint>
            </Checkbox>
          </Field>
        )}
        <div>
          <MD isBold>{t('editor.data_fields')}</MD>
          <SM>{t('editor.data_fields_hint')}</SM>
          {customFields.state.status === 'error' && (
            <SM style={{ color: '#ad5918' }}>{t('editor.fields_failed', { message: describeError(customFields.state.error) })}</SM>
          )}
          {draft.dataFields.map((f, i) => (
            <div key={f.key} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', marginTop: 8 }}>
              <Field style={{ flex: 1 }}>
                <Field.Label hidden>{t('editor.data_field_n', { n: i + 1 })}</Field.Label>
                <Select
                  value={f.field}
                  validation={slots[`content.dataFields.${i}`] ? 'error' : undefined}
                  onChange={(e) => {
                    const field = e.target.value;
                    update(
                      (d) => ({ ...d, dataFields: d.dataFields.map((x) => (x.key === f.key ? { ...x, field } : x)) }),
                      `content.dataFields.${i}`,
                      'content',
                    );
                  }}
                >
                  <FieldOptions fields={fields} current={f.field} loaded={customFields.state.status === 'ready'} />
                </Select>
                <Message text={slots[`content.dataFields.${i}`]} />
              </Field>
              <Field style={{ flex: 1 }}>
                <Field.Label hidden>{t('editor.data_field_label_n', { n: i + 1 })}</Field.Label>
                <Input
                  value={f.label}
                  maxLength={60}
                  placeholder={fieldByRef.get(f.field)?.title ?? t('editor.data_field_label')}
                  onChange={(e) => {
                    const label = e.target.value;
                    update(
                      (d) => ({ ...d, dataFields: d.dataFields.map((x) => (x.key === f.key ? { ...x, label } : x)) }),
                      `content.dataFields.${i}`,
                    );
                  }}
                />
              </Field>
              <Button
                size="small"
                isBasic
                aria-label={t('editor.remove_data_field', { n: i + 1 })}
                onClick={() => update((d) => ({ ...d, dataFields: d.dataFields.filter((x) => x.key !== f.key) }), 'content.dataFields')}
                style={{ marginTop: 4 }}
              >
                {t('common.remove')}
              </Button>
            </div>
          ))}
          {slots['content.dataFields'] && (
            <SM role="alert" style={{ color: '#cc3340' }}>
              {slots['content.dataFields']}
            </SM>
          )}
          <Button
            size="small"
            style={{ marginTop: 8 }}
            onClick={() => update((d) => ({ ...d, dataFields: [...d.dataFields, { key: newKey(), field: '', label: '' }] }), 'content')}
          >
            {t('editor.add_data_field')}
          </Button>
        </div>
        {slots.content && (
          <SM role="alert" style={{ color: '#cc3340' }}>
            {slots.content}
          </SM>
        )}
      </Section>

      <Section isStacked title={t('editor.section_conditions')}>
        <Fieldset>
          <Fieldset.Legend>{t('editor.groups')}</Fieldset.Legend>
          <SM>{t('editor.groups_hint')}</SM>
          {groups.state.status === 'error' && (
            <ErrorAlert title={t('editor.groups_failed')} error={groups.state.error} onRetry={groups.reload} />
          )}
          {groups.state.status === 'loading' && <SM>{t('common.loading')}</SM>}
          {groupList.length > GROUP_FILTER_THRESHOLD && (
            <Field>
              <Field.Label hidden>{t('editor.filter_groups')}</Field.Label>
              <Input
                isCompact
                placeholder={t('editor.filter_groups')}
                value={groupFilter}
                onChange={(e) => setGroupFilter(e.target.value)}
              />
            </Field>
          )}
          <div style={{ maxHeight: 220, overflowY: 'auto' }}>
            {visibleGroups.map((g) => (
              <Field key={g.id}>
                <Checkbox
                  checked={draft.groupIds.includes(g.id)}
                  onChange={(e) => {
                    const on = e.target.checked;
                    update(
                      (d) => ({
                        ...d,
                        groupIds: on ? [...d.groupIds, g.id] : d.groupIds.filter((id) => id !== g.id),
                      }),
                      'conditions.groupIds',
                    );
                  }}
                >
                  <Field.Label isRegular>{g.name}</Field.Label>
                </Checkbox>
              </Field>
            ))}
          </div>
          {slots['conditions.groupIds'] && (
            <SM role="alert" style={{ color: '#cc3340' }}>
              {slots['conditions.groupIds']}
            </SM>
          )}
        </Fieldset>

        <div>
          <MD isBold>{t('editor.field_conditions')}</MD>
          <SM>{t('editor.field_conditions_hint')}</SM>
          {draft.fieldConditions.map((c, i) => {
            const base = `conditions.fieldConditions.${i}`;
            const patch = (p: Partial<ConditionDraft>, ...touched: string[]) =>
              update(
                (d) => ({
                  ...d,
                  fieldConditions: d.fieldConditions.map((x) => (x.key === c.key ? { ...x, ...p } : x)),
                }),
                ...touched,
              );
            return (
              <div
                key={c.key}
                data-testid={`condition-${i}`}
                style={{ display: 'flex', gap: 8, alignItems: 'flex-start', flexWrap: 'wrap', marginTop: 8 }}
              >
                <Field style={{ flex: 1, minWidth: 160 }}>
                  <Field.Label>{t('editor.condition_field', { n: i + 1 })}</Field.Label>
                  <Select
                    value={c.field}
                    validation={slots[`${base}.field`] ? 'error' : undefined}
                    onChange={(e) => patch({ field: e.target.value }, `${base}.field`)}
                  >
                    <FieldOptions fields={fields} current={c.field} loaded={customFields.state.status === 'ready'} />
                  </Select>
                  <Message text={slots[`${base}.field`]} />
                </Field>
                <Field style={{ width: 150 }}>
                  <Field.Label>{t('editor.condition_operator', { n: i + 1 })}</Field.Label>
                  <Select
                    value={c.operator}
                    validation={slots[`${base}.operator`] ? 'error' : undefined}
                    onChange={(e) => {
                      const operator = FieldOperator.parse(e.target.value);
                      patch({ operator }, `${base}.operator`, `${base}.value`);
                    }}
                  >
                    {FieldOperator.options.map((op) => (
                      <option key={op} value={op}>
                        {t(`operators.${op}`)}
                      </option>
                    ))}
                  </Select>
                  <Message text={slots[`${base}.operator`]} />
                </Field>
                <ConditionValue
                  condition={c}
                  field={fieldByRef.get(c.field)}
                  error={slots[`${base}.value`]}
                  index={i}
                  onChange={(p) => patch(p, `${base}.value`)}
                />
                <Button
                  size="small"
                  isBasic
                  aria-label={t('editor.remove_condition', { n: i + 1 })}
                  onClick={() =>
                    update(
                      (d) => ({ ...d, fieldConditions: d.fieldConditions.filter((x) => x.key !== c.key) }),
                      'conditions.fieldConditions',
                    )
                  }
                  style={{ marginTop: 28 }}
                >
                  {t('common.remove')}
                </Button>
              </div>
            );
          })}
          {slots['conditions.fieldConditions'] && (
            <SM role="alert" style={{ color: '#cc3340' }}>
              {slots['conditions.fieldConditions']}
            </SM>
          )}
          <Button
            size="small"
            style={{ marginTop: 8 }}
            onClick={() =>
              update((d) => ({
                ...d,
                fieldConditions: [...d.fieldConditions, { key: newKey(), field: '', operator: 'equals', value: '', valuesText: '' }],
              }))
            }
          >
            {t('editor.add_condition')}
          </Button>
        </div>

        <Fieldset>
          <Fieldset.Legend>{t('editor.events')}</Fieldset.Legend>
          {EndEvent.options.map((event) => (
            <Field key={event}>
              <Checkbox
                checked={draft.events.includes(event)}
                onChange={(e) => {
                  const on = e.target.checked;
                  update((d) => ({ ...d, events: on ? [...d.events, event] : d.events.filter((x) => x !== event) }), 'conditions.events');
                }}
              >
                <Field.Label isRegular>{t(`events.${event}`)}</Field.Label>
              </Checkbox>
            </Field>
          ))}
          {slots['conditions.events'] && (
            <SM role="alert" style={{ color: '#cc3340' }}>
              {slots['conditions.events']}
            </SM>
          )}
        </Fieldset>
        <Field>
          <Checkbox
            checked={draft.stopProcessing}
            onChange={(e) => {
              const stopProcessing = e.target.checked;
              update((d) => ({ ...d, stopProcessing }), 'stopProcessing');
            }}
          >
            <Field.Label>{t('editor.stop_processing')}</Field.Label>
            <Field.Hint>{t('editor.stop_processing_hint')}</Field.Hint>
          </Checkbox>
          <Message text={slots.stopProcessing} />
        </Field>
      </Section>

      <Section isStacked title={t('editor.section_timing')}>
        <Field style={{ maxWidth: 320 }}>
          <Field.Label>{t('editor.send_delay')}</Field.Label>
          <Field.Hint>{t('editor.send_delay_hint')}</Field.Hint>
          <Input
            type="number"
            inputMode="numeric"
            min={0}
            max={SEND_DELAY_MAX_MINUTES}
            value={draft.sendDelayMinutes}
            validation={slots.sendDelayMinutes ? 'error' : undefined}
            onChange={(e) => {
              const sendDelayMinutes = e.target.value;
              update((d) => ({ ...d, sendDelayMinutes }), 'sendDelayMinutes');
            }}
          />
          <Message text={slots.sendDelayMinutes} />
        </Field>
      </Section>

      <RuleTryOut defaultCountry={settings.defaultCountry} buildInput={validInput} onRuleErrors={(found) => setErrors(found)} />

      <div style={{ display: 'flex', gap: 12, alignItems: 'center', marginTop: 32 }}>
        <Button isPrimary type="submit" disabled={isSaving || blockedReason !== null || savedWithWarnings !== null}>
          {isSaving ? t('editor.saving') : rule ? t('editor.save') : t('editor.create')}
        </Button>
        <Button
          isBasic
          onClick={() => {
            clearDraft(location, DRAFT_RULE);
            onCancel();
          }}
          disabled={isSaving}
        >
          {t('common.cancel')}
        </Button>
        {blockedReason && <SM role="note">{blockedReason}</SM>}
      </div>
    </form>
  );
}
