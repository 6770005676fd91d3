// The original feature's prerequisites as a checklist: SMS connected, a sender number, a group.
import { Well } from '@zendeskgarden/react-notifications';
import { MD } from '@zendeskgarden/react-typography';
import type { Requirements } from '../../../shared/schemas/api.ts';
import { t } from '../i18n/t.ts';

const ITEMS = [
  { key: 'smsConnected', label: 'requirements.sms_connected' },
  { key: 'hasSenderNumber', label: 'requirements.sender_number' },
  { key: 'hasGroup', label: 'requirements.group' },
] as const;

/** The first unmet requirement as a sentence, for disabled buttons. */
export function requirementsReason(r: Requirements): string | null {
  if (r.ready) return null;
  if (!r.smsConnected) return t('requirements.reason_sms_connected');
  if (!r.hasSenderNumber) return t('requirements.reason_sender_number');
  if (!r.hasGroup) return t('requirements.reason_group');
  return t('requirements.reason_generic');
}

export function RequirementsChecklist({ requirements }: { requirements: Requirements }) {
  return (
    <Well isRecessed aria-label={t('requirements.title')} style={{ marginBottom: 16 }}>
      <MD isBold>{t('requirements.title')}</MD>
      <ul style={{ listStyle: 'none', margin: '8px 0 0', padding: 0 }}>
        {ITEMS.map((item) => {
          const met = requirements[item.key];
          return (
            <li key={item.key} data-met={met} style={{ padding: '2px 0' }}>
              <span aria-hidden="true" style={{ color: met ? '#038153' : '#cc3340', marginRight: 6 }}>
                {met ? '✓' : '✗'}
              </span>
              {t(item.label)}
              <span style={{ position: 'absolute', left: -10000 }}>{met ? t('requirements.met') : t('requirements.not_met')}</span>
            </li>
          );
        })}
      </ul>
    </Well>
  );
}
