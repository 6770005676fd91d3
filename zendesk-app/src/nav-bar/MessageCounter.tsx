// MessageCounter (rendered inside a custom text's hint): live length, encoding (GSM-7 / UCS-2),
// segment count and cost hint of the custom text, computed with the same pure helpers the worker
// uses to compose messages. With placeholders, the counts are the worst case: every placeholder
// at its documented maximum length (shared/compose/placeholders.ts); problems with a placeholder
// are listed as they would be refused on save.
import { parseTemplate, worstCaseText } from '../../../shared/compose/placeholders.ts';
import { CUSTOM_TEXT_MAX } from '../../../shared/schemas/rule.ts';
import { countSegments, estimateCostUsd } from '../../../shared/compose/segments.ts';
import { t } from '../i18n/t.ts';
import { formatUsd } from '../lib/format.ts';

/** `withNotes`: the explanations under the counts (shown once, under the default text). */
export function MessageCounter({ text, maxParts, withNotes = true }: { text: string; maxParts: number; withNotes?: boolean }) {
  const parsed = parseTemplate(text);
  const hasPlaceholders = parsed.ok && parsed.parts.some((p) => p.kind === 'placeholder');
  const counted = parsed.ok ? worstCaseText(parsed.parts) : text;
  const count = countSegments(counted);
  const isOverCap = text.length > CUSTOM_TEXT_MAX;
  const parts = [
    t('counter.length', { length: text.length, max: CUSTOM_TEXT_MAX }),
    ...(hasPlaceholders ? [t('counter.worst_case', { length: Array.from(counted).length })] : []),
    count.encoding,
    t('counter.segments', { count: count.segments }),
    t('counter.remaining', { remaining: count.remainingInSegment }),
    t('counter.cost', { cost: formatUsd(estimateCostUsd(count.segments)) }),
  ];
  return (
    <span data-testid="message-counter" aria-live="polite" style={{ display: 'block' }}>
      <span style={{ display: 'block', color: isOverCap ? '#cc3340' : undefined }}>{parts.join(' · ')}</span>
      {!parsed.ok && (
        <span role="alert" style={{ display: 'block', color: '#cc3340' }}>
          {parsed.problems.map((p) => `${p.placeholder}: ${p.reason}`).join(' ')}
        </span>
      )}
      {count.encoding === 'UCS-2' && <span style={{ display: 'block' }}>{t('counter.ucs2_hint')}</span>}
      {count.segments > maxParts && (
        <span role="alert" style={{ display: 'block', color: '#ad5918' }}>
          {t('counter.over_max_parts', { maxParts })}
        </span>
      )}
      {withNotes && hasPlaceholders && <span style={{ display: 'block', color: '#68737d' }}>{t('counter.worst_case_hint')}</span>}
      {withNotes && <span style={{ display: 'block', color: '#68737d' }}>{t('counter.custom_text_only')}</span>}
    </span>
  );
}
