// Which fields a rule names and which of them the account lacks (shared/rules/field-refs.ts).
import { describe, expect, it } from 'vitest';
import { RuleInput, SYSTEM_FIELD_REFS } from '../schemas/rule.ts';
import { brokenFieldRefs, checkFieldRef, fieldRefsOf, ticketFieldsById } from './field-refs.ts';

const fields = ticketFieldsById([
  { id: 10001, removable: false, active: true },
  { id: 360001, removable: true, active: true },
  { id: 360002, removable: true, active: false },
]);

const rule = RuleInput.parse({
  label: 'r',
  senderNumber: '+14155550100',
  recipients: { customer: true },
  content: { dataFields: [{ field: '360001' }, { field: 'abc' }, { field: '999' }] },
  conditions: {
    fieldConditions: [
      { field: '999', operator: 'is_set' },
      { field: 'priority', operator: 'equals', value: 'high' },
    ],
  },
});

describe('field references', () => {
  it('lists every reference with the path of its input', () => {
    expect(fieldRefsOf(rule)).toEqual([
      { ref: '360001', path: 'content.dataFields.0.field' },
      { ref: 'abc', path: 'content.dataFields.1.field' },
      { ref: '999', path: 'content.dataFields.2.field' },
      { ref: '999', path: 'conditions.fieldConditions.0.field' },
      { ref: 'priority', path: 'conditions.fieldConditions.1.field' },
    ]);
  });

  it('accepts every system field the engine reads and active custom fields', () => {
    for (const ref of SYSTEM_FIELD_REFS) expect(checkFieldRef(ref, fields), ref).toBeNull();
    expect(checkFieldRef('360001', fields)).toBeNull();
  });

  it('names what is wrong with the others', () => {
    expect(checkFieldRef('abc', fields)).toBe('unknown_system_field');
    expect(checkFieldRef('requester.phone', fields)).toBe('unknown_system_field');
    expect(checkFieldRef('999', fields)).toBe('deleted');
    expect(checkFieldRef('360002', fields)).toBe('inactive');
    expect(checkFieldRef('10001', fields)).toBe('system_field_id');
  });

  it('reports each broken reference once, in rule order', () => {
    expect(brokenFieldRefs(rule, fields)).toEqual(['abc', '999']);
  });
});
