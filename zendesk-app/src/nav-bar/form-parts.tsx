// Form pieces of the admin screen shared by the rule editor and the setup tab (admin bundle only;
// the sidebar does not load the forms and typography packages).
import type { ReactNode } from 'react';
import { Field } from '@zendeskgarden/react-forms';
import { LG } from '@zendeskgarden/react-typography';

/** A field's validation error, or nothing. */
export function Message({ text }: { text: string | undefined }) {
  return text ? <Field.Message validation="error">{text}</Field.Message> : null;
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
