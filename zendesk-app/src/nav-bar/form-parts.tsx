// Form pieces of the admin screen shared by the rule editor, the setup tab and the limits tab (admin bundle only;
// the sidebar does not load the forms and typography packages).
import type { CSSProperties, ReactNode } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { LG } from '@zendeskgarden/react-typography';
import type { WorkerApiError } from '../api/errors.ts';
import { t } from '../i18n/t.ts';
import { ErrorAlert } from '../ui/common.tsx';

/** A field's validation error, or nothing. */
export function Message({ text }: { text: string | undefined }) {
  return text ? <Field.Message validation="error">{text}</Field.Message> : null;
}

/** A labelled text input with its hint and its validation error. */
export function TextField(props: {
  label: string;
  hint?: string | undefined;
  type?: string | undefined;
  style?: CSSProperties | undefined;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field style={props.style}>
      <Field.Label>{props.label}</Field.Label>
      {props.hint && <Field.Hint>{props.hint}</Field.Hint>}
      <Input
        type={props.type ?? 'text'}
        value={props.value}
        validation={props.error ? 'error' : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Message text={props.error} />
    </Field>
  );
}

/** A titled part of a form; `isStacked` lays its children out in a spaced column. */
export function Section({ title, isStacked = false, children }: { title: string; isStacked?: boolean; children: ReactNode }) {
  return (
    <section aria-label={title} style={{ marginTop: 24 }}>
      <LG tag="h2" style={{ marginBottom: 8 }}>
        {title}
      </LG>
      {isStacked ? <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>{children}</div> : children}
    </section>
  );
}

/** A form shows what was kept when the last session ended; the user may throw it away. */
export function RestoredNotice({ onDiscard }: { onDiscard: () => void }) {
  return (
    <Alert type="info" role="status" style={{ marginTop: 12 }}>
      <Alert.Paragraph>{t('drafts.restored')}</Alert.Paragraph>
      <Button size="small" isBasic onClick={onDiscard} style={{ marginTop: 4 }}>
        {t('drafts.discard')}
      </Button>
    </Alert>
  );
}

/** What happened to the last save of a form: a success note, or the error with its reason. */
export function SaveOutcome(props: { saved: boolean; failure: WorkerApiError | null; savedText: string; failedTitle: string }) {
  return (
    <>
      {props.saved && (
        <Alert type="success" style={{ marginTop: 12 }}>
          <Alert.Paragraph>{props.savedText}</Alert.Paragraph>
        </Alert>
      )}
      {props.failure && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert title={props.failedTitle} error={props.failure} />
        </div>
      )}
    </>
  );
}
