// The triggers Setup installs, derived from an account's condition definitions (pure): the solved
// trigger always; the conversation-ended one only with a "Messaging session state" condition
// offering "Ended"; restricted to Chat and Messaging tickets only when the messaging channel can be
// named (a Chat-only restriction would exclude messaging tickets).
import { describe, expect, it } from 'vitest';
import { endMoment } from '../db/interactions.ts';
import type { ZendeskConditionDefinition } from './client.ts';
import { desiredTriggers, TRIGGER_TITLES, triggerBody } from './setup.ts';

const changed = [
  { title: 'Is', value: 'is' },
  { title: 'Changed to', value: 'value' },
];
const status: ZendeskConditionDefinition = { subject: 'status', title: 'Status', operators: changed };
const session = (values = ['Active', 'Inactive', 'Ended']): ZendeskConditionDefinition => ({
  subject: 'some_session_state_subject',
  title: 'Messaging session state',
  operators: [{ title: 'Is', value: 'is' }, { title: 'Changed to', value: 'changed_to_op' }],
  values: values.map((title) => ({ title, value: `v_${title.toLowerCase()}` })),
});
const via = (titles: string[]): ZendeskConditionDefinition => ({
  subject: 'via_id',
  title: 'Channel',
  values: titles.map((title, i) => ({ title, value: String(100 + i) })),
});

describe('desiredTriggers', () => {
  it('installs the solved trigger only when there is no session-state condition', () => {
    expect(desiredTriggers({ conditions_all: [status], conditions_any: [status] })).toEqual([
      { kind: 'ticket_solved', title: TRIGGER_TITLES.ticket_solved, conditions: { all: [{ field: 'status', operator: 'value', value: 'solved' }], any: [] } },
    ]);
  });

  it('uses the subject, operator and value the definitions name, and Chat + Messaging via ids', () => {
    const defs = { conditions_all: [status, session()], conditions_any: [status, via(['Email', 'Chat', 'Messaging'])] };
    expect(desiredTriggers(defs)[1]).toEqual({
      kind: 'conversation_ended',
      title: TRIGGER_TITLES.conversation_ended,
      conditions: {
        all: [{ field: 'some_session_state_subject', operator: 'changed_to_op', value: 'v_ended' }],
        any: [
          { field: 'via_id', operator: 'is', value: '101' },
          { field: 'via_id', operator: 'is', value: '102' },
        ],
      },
    });
  });

  it('does not restrict the channel when messaging cannot be named, and needs an Ended value', () => {
    const unnamed = desiredTriggers({ conditions_all: [status, session()], conditions_any: [via(['Chat', 'Sunshine'])] });
    expect(unnamed[1]?.conditions.any).toEqual([]);
    expect(desiredTriggers({ conditions_all: [status, session(['Active', 'Inactive'])], conditions_any: [] })).toHaveLength(1);
  });

  it('sends ids and Zendesk time only', () => {
    expect(JSON.parse(triggerBody('conversation_ended'))).toEqual({
      ticket_id: '{{ticket.id}}',
      event: 'conversation_ended',
      updated_at: '{{ticket.updated_at_with_timestamp}}',
    });
  });
});

describe('endMoment', () => {
  it('keys both webhook sources of one update alike: to the minute, UTC', () => {
    expect(endMoment('2026-12-01T10:15Z')).toBe('2026-12-01T10:15Z');
    expect(endMoment('2026-12-01T10:15:59Z')).toBe('2026-12-01T10:15Z');
    expect(endMoment('2026-12-01T11:15:30+01:00')).toBe('2026-12-01T10:15Z');
    expect(endMoment('{{ticket.updated_at_with_timestamp}}')).toBeNull();
    expect(endMoment('')).toBeNull();
  });
});
