// MessageCounter (rendered inside the custom text's hint): live length, encoding (GSM-7 / UCS-2), segment count and cost hint of the
// custom text, computed with the same pure helper the worker uses to compose messages.
import { CUSTOM_TEXT_MAX } from '../../../shared/schemas/rule.ts';
import { countSegments, estimateCostUsd } from '../../../shared/compose/segments.ts';
import { t } from '../i18n/t.ts';
import { formatUsd } from '../lib/format.ts';

export function MessageCounter({ text, maxParts }: { text: string; maxParts: number }) {
  const count = countSegments(text);
  const isOverCap = text.length > CUSTOM_TEXT_MAX;
  const parts = [
    t('counter.length', { length: text.length, max: CUSTOM_TEXT_MAX }),
    count.encoding,
    t('counter.segments', { count: count.segments }),
    t('counter.remaining', { remaining: count.remainingInSegment }),
    t('counter.cost', { cost: formatUsd(estimateCostUsd(count.segments)) }),
  ];
  return (
    <span data-testid="message-counter" aria-live="polite" style={{ display: 'block' }}>
      <span style={{ display: 'block', color: isOverCap ? '#cc3340' : undefined }}>{parts.join(' · ')}</span>
      {count.encoding === 'UCS-2' && <span style={{ display: 'block' }}>{t('counter.ucs2_hint')}</span>}
      {count.segments > maxParts && (
        <span role="alert" style={{ display: 'block', color: '#ad5918' }}>
          {t('counter.over_max_parts', { maxParts })}
        </span>
      )}
      <span style={{ display: 'block', color: '#68737d' }}>{t('counter.custom_text_only')}</span>
    </span>
  );
}
