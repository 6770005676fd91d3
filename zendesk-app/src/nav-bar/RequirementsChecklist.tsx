// The original feature's prerequisites as a checklist: SMS connected, a sender number, a group.
// In Setup it also shows the Zendesk side, read from Zendesk: whether the webhook and each trigger
// Setup made exist and are active (GET /v1/setup/zendesk).
import { Well } from '@zendeskgarden/react-notifications';
import { MD, SM } from '@zendeskgarden/react-typography';
import type { Requirements, ZendeskSetupHealth } from '../../../shared/schemas/api.ts';
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

/** The Zendesk part: loading, could not be read, or the health read. */
export type ZendeskSetupState = { status: 'loading' } | { status: 'failed' } | { status: 'loaded'; health: ZendeskSetupHealth };

function Item({ met, label, note, testId }: { met: boolean; label: string; note?: string; testId?: string }) {
  return (
    <li data-met={met} data-testid={testId} style={{ padding: '2px 0' }}>
      <span aria-hidden="true" style={{ color: met ? '#038153' : '#cc3340', marginRight: 6 }}>
        {met ? '✓' : '✗'}
      </span>
      {label}
      {note && <span style={{ marginLeft: 4, color: '#68737d' }}>{note}</span>}
      <span style={{ position: 'absolute', left: -10000 }}>{met ? t('requirements.met') : t('requirements.not_met')}</span>
    </li>
  );
}

function ZendeskSetupItems({ state }: { state: ZendeskSetupState }) {
  if (state.status === 'loading') return <SM>{t('requirements.zendesk_checking')}</SM>;
  if (state.status === 'failed') return <SM role="alert">{t('requirements.zendesk_check_failed')}</SM>;
  const { health } = state;
  if (!health.configured) return <SM>{t('requirements.zendesk_not_set_up')}</SM>;
  const webhook = health.webhook;
  return (
    <>
      <ul style={{ listStyle: 'none', margin: '4px 0 0', padding: 0 }}>
        <Item
          testId="zendesk-webhook-health"
          met={Boolean(webhook?.exists && webhook.active && webhook.endpointMatches && webhook.signingSecretKnown)}
          label={t('requirements.zendesk_webhook')}
        />
        {health.triggers.map((trigger) => (
          <Item
            key={trigger.kind}
            testId={`zendesk-trigger-health-${trigger.kind}`}
            met={trigger.exists && trigger.active && trigger.upToDate}
            label={t(`requirements.zendesk_trigger_${trigger.kind}`)}
            note={trigger.exists && trigger.active && !trigger.upToDate ? t('requirements.zendesk_outdated') : undefined}
          />
        ))}
      </ul>
      {!health.conversationEndedAvailable && <SM style={{ marginTop: 4 }}>{t('requirements.zendesk_conversation_ended_unavailable')}</SM>}
    </>
  );
}

export function RequirementsChecklist({ requirements, zendeskSetup }: { requirements: Requirements; zendeskSetup?: ZendeskSetupState }) {
  return (
    <Well isRecessed aria-label={t('requirements.title')} style={{ marginBottom: 16 }}>
      <MD isBold>{t('requirements.title')}</MD>
      <ul style={{ listStyle: 'none', margin: '8px 0 0', padding: 0 }}>
        {ITEMS.map((item) => (
          <Item key={item.key} met={requirements[item.key]} label={t(item.label)} />
        ))}
      </ul>
      {zendeskSetup && (
        <section aria-label={t('requirements.zendesk_title')} data-testid="zendesk-setup-health" style={{ marginTop: 12 }}>
          <MD isBold>{t('requirements.zendesk_title')}</MD>
          <ZendeskSetupItems state={zendeskSetup} />
        </section>
      )}
    </Well>
  );
}
