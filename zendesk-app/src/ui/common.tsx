// Small presentational pieces shared by both locations: theme, loading and error states.
import type { ReactNode } from 'react';
import { ThemeProvider } from '@zendeskgarden/react-theming';
import { Alert } from '@zendeskgarden/react-notifications';
import { Button } from '@zendeskgarden/react-buttons';
import { Dots } from '@zendeskgarden/react-loaders';
import type { WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';

export function AppThemeProvider({ children }: { children: ReactNode }) {
  return <ThemeProvider>{children}</ThemeProvider>;
}

export function Loading({ label }: { label?: string }) {
  const text = label ?? t('common.loading');
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', alignItems: 'center', gap: 8, padding: 12 }}>
      <Dots size={20} aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}

/** A user-facing message for an API error: the worker's message, or a translated fallback. */
export function describeError(error: WorkerApiError): string {
  if (error.code === 'network_error') return t('errors.network');
  if (error.code === 'invalid_response') return t('errors.invalid_response');
  return error.message || t('errors.generic');
}

export function ErrorAlert({ title, error, onRetry }: { title: string; error: WorkerApiError; onRetry?: () => void }) {
  return (
    <Alert type="error" role="alert">
      <Alert.Title>{title}</Alert.Title>
      <Alert.Paragraph>{describeError(error)}</Alert.Paragraph>
      {onRetry && (
        <Button size="small" onClick={onRetry} style={{ marginTop: 8 }}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}
