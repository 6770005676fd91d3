// RuleTexts: the rule's custom text in its default version and in each language, side by side,
// each with its live counter (worst case with placeholders), and the list of placeholders with
// their maximum lengths. The worker picks the version by the requester's Zendesk locale.
import { memo } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Textarea } from '@zendeskgarden/react-forms';
import { MD, SM } from '@zendeskgarden/react-typography';
import { PLACEHOLDERS, TICKET_FIELD_MAX_LENGTH } from '../../../shared/compose/placeholders.ts';
import { LOCALE_VARIANTS_MAX } from '../../../shared/schemas/rule.ts';
import { t } from '../i18n/t.ts';
import type { FieldErrors } from '../lib/field-errors.ts';
import { Message } from './form-parts.tsx';
import { MessageCounter } from './MessageCounter.tsx';
import { newKey, type RuleDraft, type TranslationDraft } from './rule-draft.ts';

export interface RuleTextsProps {
  draft: RuleDraft;
  slots: FieldErrors;
  maxParts: number;
  /** Applies a change and clears the errors of the named slots (RuleEditor's update). */
  update: (change: (d: RuleDraft) => RuleDraft, ...touched: string[]) => void;
}

const COLUMN = { flex: '1 1 260px', minWidth: 240 } as const;

/** The same on every render: memoised, so typing does not re-render it. */
const PlaceholderList = memo(function PlaceholderList() {
  return (
    <details>
      <summary>
        <SM tag="span" isBold>
          {t('editor.placeholders')}
        </SM>
      </summary>
      <SM>{t('editor.placeholders_hint')}</SM>
      <ul data-testid="placeholder-list" style={{ margin: '4px 0 0', paddingLeft: 16 }}>
        {Object.entries(PLACEHOLDERS).map(([name, info]) => (
          <li key={name}>
            <SM>{t('editor.placeholder_max', { name, description: info.description, max: info.maxLength })}</SM>
          </li>
        ))}
        <li>
          <SM>{t('editor.placeholder_field', { max: TICKET_FIELD_MAX_LENGTH })}</SM>
        </li>
      </ul>
    </details>
  );
});

export function RuleTexts({ draft, slots, maxParts, update }: RuleTextsProps) {
  const patch = (v: TranslationDraft, change: Partial<TranslationDraft>, ...touched: string[]) =>
    update((d) => ({ ...d, translations: d.translations.map((x) => (x.key === v.key ? { ...x, ...change } : x)) }), ...touched);
  return (
    <div>
      <MD isBold>{t('editor.languages')}</MD>
      <SM>{t('editor.languages_hint')}</SM>
      <div data-testid="rule-texts" style={{ display: 'flex', gap: 16, flexWrap: 'wrap', alignItems: 'flex-start', marginTop: 8 }}>
        <Field style={COLUMN}>
          <Field.Label>{t('editor.custom_text')}</Field.Label>
          <Field.Hint>{t('editor.default_text')}</Field.Hint>
          <Textarea
            value={draft.customText}
            minRows={3}
            maxRows={10}
            validation={slots['content.customText'] ? 'error' : undefined}
            onChange={(e) => {
              const customText = e.target.value;
              update((d) => ({ ...d, customText }), 'content.customText', 'content');
            }}
          />
          <Field.Hint>
            <MessageCounter text={draft.customText} maxParts={maxParts} />
          </Field.Hint>
          <Message text={slots['content.customText']} />
        </Field>
        {draft.translations.map((v, i) => (
          <div key={v.key} data-testid={`language-${i}`} style={{ ...COLUMN, display: 'flex', flexDirection: 'column', gap: 4 }}>
            <Field>
              <Field.Label>{t('editor.language_locale', { n: i + 1 })}</Field.Label>
              <Input
                isCompact
                value={v.locale}
                maxLength={20}
                placeholder="de"
                validation={slots[`content.translations.${i}.locale`] ? 'error' : undefined}
                onChange={(e) => patch(v, { locale: e.target.value }, `content.translations.${i}.locale`)}
              />
              <Message text={slots[`content.translations.${i}.locale`]} />
            </Field>
            <Field>
              <Field.Label>{t('editor.language_text', { n: i + 1 })}</Field.Label>
              <Textarea
                value={v.customText}
                minRows={3}
                maxRows={10}
                validation={slots[`content.translations.${i}.customText`] ? 'error' : undefined}
                onChange={(e) => patch(v, { customText: e.target.value }, `content.translations.${i}.customText`)}
              />
              <Field.Hint>
                <MessageCounter text={v.customText} maxParts={maxParts} withNotes={false} />
              </Field.Hint>
              <Message text={slots[`content.translations.${i}.customText`]} />
            </Field>
            <Button
              size="small"
              isBasic
              aria-label={t('editor.remove_language', { n: i + 1 })}
              onClick={() => update((d) => ({ ...d, translations: d.translations.filter((x) => x.key !== v.key) }), 'content.translations')}
            >
              {t('common.remove')}
            </Button>
          </div>
        ))}
      </div>
      {slots['content.translations'] && (
        <SM role="alert" style={{ color: '#cc3340' }}>
          {slots['content.translations']}
        </SM>
      )}
      <Button
        size="small"
        style={{ marginTop: 8 }}
        disabled={draft.translations.length >= LOCALE_VARIANTS_MAX}
        onClick={() => update((d) => ({ ...d, translations: [...d.translations, { key: newKey(), locale: '', customText: '' }] }))}
      >
        {t('editor.add_language')}
      </Button>
      <div style={{ marginTop: 8 }}>
        <PlaceholderList />
      </div>
    </div>
  );
}
