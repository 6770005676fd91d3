// The interaction the rule engine sees: a plain snapshot of the ticket when it ended.
// Built by the worker from the Zendesk API; built by the app for previews. Pure data.
import { z } from 'zod';
import { EndEvent } from './rule.ts';

/** A field's value: a string, a list (tags, multiselect), or null when empty. */
export const FieldValue = z.union([z.string(), z.array(z.string()), z.null()]);
export type FieldValue = z.infer<typeof FieldValue>;

export const Interaction = z.object({
  event: EndEvent,
  ticketId: z.string(),
  /** The ticket's group (queue), or null when it has none. */
  groupId: z.string().nullable(),
  /**
   * Field values keyed like FieldRef: custom field ids ("360001234567") and system field names
   * (subject, status, priority, type, tags, via, requester.name, assignee.name, group.name, ...).
   * A key that is absent counts as empty.
   */
  fields: z.record(z.string(), FieldValue),
});
export type Interaction = z.infer<typeof Interaction>;
