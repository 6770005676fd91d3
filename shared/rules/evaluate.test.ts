// Specification of the rule engine: field operators, group and event filters, order, stop, explain.
import { describe, expect, it } from 'vitest';
import type { Interaction } from '../schemas/interaction.ts';
import type { EndEvent, FieldCondition } from '../schemas/rule.ts';
import { compileRules, type EngineRule, evaluateRules, explainRules, testFieldCondition } from './evaluate.ts';
import { seededRandom } from '../random/seeded-random.ts';

interface TestRule extends EngineRule {
  label: string;
}

function makeRule(id: string, overrides: Partial<Omit<TestRule, 'conditions'>> & Partial<TestRule['conditions']> = {}): TestRule {
  const { groupIds = [], fieldConditions = [], events = ['ticket_solved'], ...rest } = overrides;
  return {
    id,
    position: 0,
    enabled: true,
    stopProcessing: false,
    label: `Rule ${id}`,
    conditions: { groupIds, fieldConditions, events },
    ...rest,
  };
}

function makeInteraction(overrides: Partial<Interaction> = {}): Interaction {
  return { event: 'ticket_solved', ticketId: '42', groupId: '100', fields: {}, ...overrides };
}

function ids(rules: readonly TestRule[]): string[] {
  return rules.map((r) => r.id);
}

function run(rules: TestRule[], interaction: Interaction): string[] {
  return ids(evaluateRules(compileRules(rules), interaction));
}

describe('field operators', () => {
  const check = (condition: FieldCondition, value: Interaction['fields'][string] | undefined) => testFieldCondition(condition, value);

  describe('equals', () => {
    const c: FieldCondition = { field: 'priority', operator: 'equals', value: 'Urgent' };
    it('matches the same text ignoring case and surrounding spaces', () => {
      expect(check(c, 'urgent')).toBe(true);
      expect(check(c, '  URGENT ')).toBe(true);
      expect(check({ ...c, value: '  urgent  ' }, 'Urgent')).toBe(true);
    });
    it('does not match other text or a longer text', () => {
      expect(check(c, 'high')).toBe(false);
      expect(check(c, 'urgent!')).toBe(false);
    });
    it('matches a list when any element equals', () => {
      expect(check(c, ['vip', 'URGENT'])).toBe(true);
      expect(check(c, ['vip', 'later'])).toBe(false);
    });
    it('is false on every kind of empty field', () => {
      for (const empty of [undefined, null, '', '   ', [], ['', ' ']]) expect(check(c, empty)).toBe(false);
    });
    it('with an empty value holds exactly when the field is empty', () => {
      const blank: FieldCondition = { field: 'priority', operator: 'equals', value: '' };
      expect(check(blank, null)).toBe(true);
      expect(check(blank, [])).toBe(true);
      expect(check(blank, 'x')).toBe(false);
    });
  });

  describe('not_equals', () => {
    const c: FieldCondition = { field: 'priority', operator: 'not_equals', value: 'Urgent' };
    it('holds for other text and fails for the same text in any case', () => {
      expect(check(c, 'high')).toBe(true);
      expect(check(c, ' URGENT ')).toBe(false);
    });
    it('holds for a list only when no element equals', () => {
      expect(check(c, ['vip', 'later'])).toBe(true);
      expect(check(c, ['vip', 'urgent'])).toBe(false);
    });
    it('holds on every kind of empty field', () => {
      for (const empty of [undefined, null, '', '   ', [], ['']]) expect(check(c, empty)).toBe(true);
    });
    it('with an empty value holds exactly when the field is set', () => {
      const blank: FieldCondition = { field: 'priority', operator: 'not_equals', value: '' };
      expect(check(blank, null)).toBe(false);
      expect(check(blank, 'x')).toBe(true);
    });
  });

  describe('contains', () => {
    const c: FieldCondition = { field: 'subject', operator: 'contains', value: 'Refund' };
    it('matches a substring ignoring case', () => {
      expect(check(c, 'Asking for a REFUND please')).toBe(true);
      expect(check(c, 'refunded')).toBe(true);
      expect(check(c, 'exchange')).toBe(false);
    });
    it('matches a list when any element contains it', () => {
      expect(check(c, ['billing', 'refund_request'])).toBe(true);
      expect(check(c, ['billing', 'shipping'])).toBe(false);
    });
    it('is false on an empty field', () => {
      for (const empty of [undefined, null, '', [], ['  ']]) expect(check(c, empty)).toBe(false);
    });
    it('with a blank value holds when the field is set', () => {
      const blank: FieldCondition = { field: 'subject', operator: 'contains', value: '   ' };
      expect(check(blank, 'anything')).toBe(true);
      expect(check(blank, null)).toBe(false);
    });
  });

  describe('is_set and is_empty', () => {
    const set: FieldCondition = { field: 'f', operator: 'is_set' };
    const empty: FieldCondition = { field: 'f', operator: 'is_empty' };
    it.each([
      ['a missing key', undefined],
      ['null', null],
      ['an empty string', ''],
      ['a blank string', ' \t '],
      ['an empty list', []],
      ['a list of blanks', ['', ' ']],
    ])('treat %s as empty', (_name, value) => {
      expect(check(set, value)).toBe(false);
      expect(check(empty, value)).toBe(true);
    });
    it.each([
      ['text', 'x'],
      ['a list with one value', ['', 'x']],
      ['zero', '0'],
      ['false', 'false'],
    ])('treat %s as set', (_name, value) => {
      expect(check(set, value)).toBe(true);
      expect(check(empty, value)).toBe(false);
    });
  });

  describe('one_of', () => {
    const c: FieldCondition = { field: 'priority', operator: 'one_of', values: ['High', ' URGENT '] };
    it('matches any of the values ignoring case and spaces', () => {
      expect(check(c, 'high')).toBe(true);
      expect(check(c, 'Urgent')).toBe(true);
      expect(check(c, 'low')).toBe(false);
    });
    it('matches a list when any element is one of the values', () => {
      expect(check(c, ['low', 'high'])).toBe(true);
      expect(check(c, ['low', 'normal'])).toBe(false);
    });
    it('is false on an empty field unless a blank value is accepted', () => {
      expect(check(c, null)).toBe(false);
      expect(check({ ...c, values: ['high', ''] }, null)).toBe(true);
    });
  });

  it('reads only own keys of the fields record', () => {
    const rules = [makeRule('a', { fieldConditions: [{ field: 'constructor', operator: 'is_set' }] })];
    expect(run(rules, makeInteraction({ fields: {} }))).toEqual([]);
    const fields = JSON.parse('{"__proto__":"x"}') as Interaction['fields'];
    const proto = [makeRule('b', { fieldConditions: [{ field: '__proto__', operator: 'is_empty' }] })];
    expect(run(proto, makeInteraction({ fields: {} }))).toEqual(['b']);
    expect(run(proto, makeInteraction({ fields }))).toEqual([]);
  });

  it('requires every condition of a rule (AND)', () => {
    const rule = makeRule('a', {
      fieldConditions: [
        { field: 'priority', operator: 'equals', value: 'high' },
        { field: 'tags', operator: 'contains', value: 'vip' },
      ],
    });
    expect(run([rule], makeInteraction({ fields: { priority: 'High', tags: ['vip_gold'] } }))).toEqual(['a']);
    expect(run([rule], makeInteraction({ fields: { priority: 'High', tags: ['basic'] } }))).toEqual([]);
    expect(run([rule], makeInteraction({ fields: { priority: 'low', tags: ['vip'] } }))).toEqual([]);
  });

  it('tests identical conditions of different rules once, without mixing up different ones', () => {
    const rules = [
      makeRule('a', { position: 0, fieldConditions: [{ field: 'priority', operator: 'one_of', values: ['High', 'low'] }] }),
      makeRule('b', { position: 1, fieldConditions: [{ field: 'priority', operator: 'one_of', values: ['LOW', ' high'] }] }),
      makeRule('c', { position: 2, fieldConditions: [{ field: 'priority', operator: 'one_of', values: ['high\u0000low'] }] }),
      makeRule('d', { position: 3, fieldConditions: [{ field: 'type', operator: 'one_of', values: ['high', 'low'] }] }),
    ];
    const compiled = compileRules(rules);
    expect(compiled.conditionCount).toBe(3);
    expect(run(rules, makeInteraction({ fields: { priority: 'high', type: 'task' } }))).toEqual(['a', 'b']);
  });

  it('matches a rule without conditions on any fields', () => {
    expect(run([makeRule('a')], makeInteraction({ fields: {} }))).toEqual(['a']);
  });
});

describe('group index', () => {
  const rules = [
    makeRule('g100', { position: 0, groupIds: ['100'] }),
    makeRule('g200', { position: 1, groupIds: ['200'] }),
    makeRule('both', { position: 2, groupIds: ['100', '200'] }),
    makeRule('any', { position: 3 }),
  ];

  it('returns the rules for the ticket group and the every-group rules', () => {
    expect(run(rules, makeInteraction({ groupId: '100' }))).toEqual(['g100', 'both', 'any']);
    expect(run(rules, makeInteraction({ groupId: '200' }))).toEqual(['g200', 'both', 'any']);
  });

  it('never returns rules restricted to other groups', () => {
    expect(run(rules, makeInteraction({ groupId: '999' }))).toEqual(['any']);
  });

  it('gives a ticket with no group only the every-group rules', () => {
    expect(run(rules, makeInteraction({ groupId: null }))).toEqual(['any']);
  });

  it('interleaves group and every-group rules by position', () => {
    const mixed = [
      makeRule('any-0', { position: 0 }),
      makeRule('g-1', { position: 1, groupIds: ['100'] }),
      makeRule('any-2', { position: 2 }),
      makeRule('g-3', { position: 3, groupIds: ['100'] }),
    ];
    expect(run(mixed, makeInteraction({ groupId: '100' }))).toEqual(['any-0', 'g-1', 'any-2', 'g-3']);
  });

  it('indexes enabled rules only, under each of their events and groups', () => {
    const compiled = compileRules([
      makeRule('a', { groupIds: ['1', '2'], events: ['ticket_solved', 'conversation_ended'] }),
      makeRule('off', { enabled: false, groupIds: ['1'] }),
    ]);
    expect(compiled.rules).toHaveLength(2);
    expect(
      compiled.byEvent
        .get('ticket_solved')
        ?.byGroup.get('1')
        ?.map((c) => c.rule.id),
    ).toEqual(['a']);
    expect(
      compiled.byEvent
        .get('conversation_ended')
        ?.byGroup.get('2')
        ?.map((c) => c.rule.id),
    ).toEqual(['a']);
  });
});

describe('event filter', () => {
  const rules = [
    makeRule('solved', { position: 0, events: ['ticket_solved'] }),
    makeRule('ended', { position: 1, events: ['conversation_ended'] }),
    makeRule('either', { position: 2, events: ['ticket_solved', 'conversation_ended'] }),
  ];
  it.each<[EndEvent, string[]]>([
    ['ticket_solved', ['solved', 'either']],
    ['conversation_ended', ['ended', 'either']],
  ])('on %s fires only rules that selected it', (event, expected) => {
    expect(run(rules, makeInteraction({ event }))).toEqual(expected);
  });
});

describe('order, stop and disabled', () => {
  it('returns matches in position order whatever the input order', () => {
    const rules = [makeRule('c', { position: 30 }), makeRule('a', { position: 10 }), makeRule('b', { position: 20 })];
    expect(run(rules, makeInteraction())).toEqual(['a', 'b', 'c']);
  });

  it('keeps the input order for equal positions', () => {
    const rules = [makeRule('x', { position: 1 }), makeRule('y', { position: 1 })];
    expect(run(rules, makeInteraction())).toEqual(['x', 'y']);
  });

  it('stops after a matching rule with stopProcessing', () => {
    const rules = [makeRule('a', { position: 0 }), makeRule('stop', { position: 1, stopProcessing: true }), makeRule('c', { position: 2 })];
    expect(run(rules, makeInteraction())).toEqual(['a', 'stop']);
  });

  it('does not stop when the stopping rule does not match', () => {
    const rules = [
      makeRule('stop', { position: 0, stopProcessing: true, groupIds: ['999'] }),
      makeRule('stop2', { position: 1, stopProcessing: true, fieldConditions: [{ field: 'x', operator: 'is_set' }] }),
      makeRule('c', { position: 2 }),
    ];
    expect(run(rules, makeInteraction())).toEqual(['c']);
  });

  it('stops across group and every-group rules', () => {
    const rules = [makeRule('any-stop', { position: 0, stopProcessing: true }), makeRule('g', { position: 1, groupIds: ['100'] })];
    expect(run(rules, makeInteraction())).toEqual(['any-stop']);
  });

  it('never fires a disabled rule, and a disabled rule does not stop others', () => {
    const rules = [makeRule('off', { position: 0, enabled: false, stopProcessing: true }), makeRule('on', { position: 1 })];
    expect(run(rules, makeInteraction())).toEqual(['on']);
  });

  it('returns the callers own rule objects', () => {
    const rule = makeRule('a');
    const [first] = evaluateRules(compileRules([rule]), makeInteraction());
    expect(first).toBe(rule);
    expect(first?.label).toBe('Rule a');
  });

  it('returns nothing for no rules', () => {
    expect(run([], makeInteraction())).toEqual([]);
  });
});

describe('explainRules', () => {
  const rules = [
    makeRule('off', { position: 0, enabled: false }),
    makeRule('chat', { position: 1, events: ['conversation_ended'] }),
    makeRule('other-group', { position: 2, groupIds: ['999'] }),
    makeRule('field', {
      position: 3,
      fieldConditions: [
        { field: 'priority', operator: 'is_set' },
        { field: 'priority', operator: 'equals', value: 'low' },
      ],
    }),
    makeRule('fires', { position: 4 }),
    makeRule('stops', { position: 5, stopProcessing: true }),
    makeRule('after', { position: 6 }),
    makeRule('after-off', { position: 7, enabled: false }),
  ];
  const interaction = makeInteraction({ fields: { priority: 'high' } });

  it('gives a reason for every rule, in position order', () => {
    const explained = explainRules(rules, interaction).map(({ rule, matched, reason, failedCondition, stoppedBy }) => ({
      id: rule.id,
      matched,
      reason,
      failedCondition,
      stoppedBy,
    }));
    expect(explained).toEqual([
      { id: 'off', matched: false, reason: 'disabled', failedCondition: undefined, stoppedBy: undefined },
      { id: 'chat', matched: false, reason: 'event_not_selected', failedCondition: undefined, stoppedBy: undefined },
      { id: 'other-group', matched: false, reason: 'group_not_selected', failedCondition: undefined, stoppedBy: undefined },
      { id: 'field', matched: false, reason: 'field_condition_failed', failedCondition: 1, stoppedBy: undefined },
      { id: 'fires', matched: true, reason: null, failedCondition: undefined, stoppedBy: undefined },
      { id: 'stops', matched: true, reason: null, failedCondition: undefined, stoppedBy: undefined },
      { id: 'after', matched: false, reason: 'stopped_by_earlier_rule', failedCondition: undefined, stoppedBy: 'stops' },
      { id: 'after-off', matched: false, reason: 'disabled', failedCondition: undefined, stoppedBy: undefined },
    ]);
  });

  it('reports group_not_selected for a group rule on a ticket with no group', () => {
    const [only] = explainRules([makeRule('g', { groupIds: ['1'] })], makeInteraction({ groupId: null }));
    expect(only?.reason).toBe('group_not_selected');
  });

  it('accepts compiled rules as well as plain rules', () => {
    expect(explainRules(compileRules(rules), interaction)).toEqual(explainRules(rules, interaction));
  });

  it('agrees with evaluateRules on random rule sets', () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const groups = ['1', '2', '3'];
    const values = ['a', 'B', ' c ', ''];
    for (let round = 0; round < 300; round++) {
      const set: TestRule[] = [];
      const count = 1 + Math.floor(random() * 12);
      for (let i = 0; i < count; i++) {
        const conditions: FieldCondition[] = [];
        for (let k = Math.floor(random() * 3); k > 0; k--) {
          const operator = pick(['equals', 'not_equals', 'contains', 'is_set', 'is_empty', 'one_of'] as const);
          const field = pick(['f1', 'f2']);
          if (operator === 'is_set' || operator === 'is_empty') conditions.push({ field, operator });
          else if (operator === 'one_of') conditions.push({ field, operator, values: [pick(values), pick(values)] });
          else if (operator === 'contains') conditions.push({ field, operator, value: pick(['a', 'b', 'c']) });
          else conditions.push({ field, operator, value: pick(values) });
        }
        set.push(
          makeRule(`r${i}`, {
            position: Math.floor(random() * 5),
            enabled: random() > 0.2,
            stopProcessing: random() > 0.8,
            groupIds: random() > 0.5 ? [] : [pick(groups)],
            events: random() > 0.7 ? ['conversation_ended'] : ['ticket_solved'],
            fieldConditions: conditions,
          }),
        );
      }
      const fieldValue = () => pick<Interaction['fields'][string]>([null, 'a', 'b', ['a', 'c'], [], ' B ']);
      const sample = makeInteraction({
        groupId: random() > 0.2 ? pick(groups) : null,
        event: random() > 0.7 ? 'conversation_ended' : 'ticket_solved',
        fields: { f1: fieldValue(), f2: fieldValue() },
      });
      const compiled = compileRules(set);
      const fromExplain = explainRules(compiled, sample)
        .filter((e) => e.matched)
        .map((e) => e.rule.id);
      expect(ids(evaluateRules(compiled, sample))).toEqual(fromExplain);
    }
  });
});

