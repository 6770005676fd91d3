// Whether a sender can text US recipients, in words and colour (Setup's sender list, the rule
// editor's sender warning). The codes come from the worker (shared/schemas/telnyx.ts).
import { Tag } from '@zendeskgarden/react-tags';
import type { UsReach, UsReadiness } from '../../../shared/schemas/telnyx.ts';
import { t } from '../i18n/t.ts';

export const US_HUE: Record<UsReadiness, string> = { ready: 'green', pending: 'yellow', not_ready: 'red', unknown: 'grey' };

/** "Ready", "Cannot text US numbers", ... with Telnyx's reason (and its own words, when it gave any). */
export function UsReachTag({ us }: { us: UsReach }) {
  return (
    <Tag hue={US_HUE[us.status]} size="small">
      {t(`setup.us_status.${us.status}`)}
    </Tag>
  );
}

export function usReasonText(us: UsReach): string {
  const reason = t(`setup.us_reason.${us.reason}`);
  return us.detail && us.reason !== 'not_a_us_number' ? `${reason} (${us.detail})` : reason;
}
