// BudgetBanner: above the admin screen's tabs while sends are held because the daily SMS budget is
// used up (GET /v1/budget), so an admin sees it whichever tab is open. Shows nothing otherwise,
// and nothing when the budget cannot be read (the Limits tab says why).
import { Button } from '@zendeskgarden/react-buttons';
import { Alert } from '@zendeskgarden/react-notifications';
import { t } from '../i18n/t.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { useAdmin } from './admin-context.tsx';

export function BudgetBanner({ onOpen }: { onOpen: () => void }) {
  const { api, settings } = useAdmin();
  // Read again when the settings change (an admin raised the budget).
  const { state } = useAsync(() => api.readBudget(), [api, settings]);
  const budget = state.data;
  if (!budget || budget.heldSends === 0) return null;
  return (
    <Alert type="warning" role="alert" style={{ marginBottom: 16 }}>
      <Alert.Title>{t('limits.banner_title')}</Alert.Title>
      <Alert.Paragraph>{t('limits.banner_body', { count: budget.heldSends, release: formatDateTime(budget.releaseAt) })}</Alert.Paragraph>
      <Button size="small" isBasic onClick={onOpen} style={{ marginTop: 4 }}>
        {t('limits.banner_open')}
      </Button>
    </Alert>
  );
}
