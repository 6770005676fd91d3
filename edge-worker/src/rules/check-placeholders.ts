// The placeholders of a rule's texts (default and every language), checked on save: each problem
// is a 422 field error naming the placeholder as written, e.g.
//   content.translations.0.customText: "{{ticket.foo}}: Unknown placeholder ticket.foo".
// Checked here rather than in the zod schema: stored rules are re-parsed with the schema on every
// read, and a text saved before placeholders existed may hold a literal "{{" (rendered as text).
import { parseTemplate } from '../../../shared/compose/placeholders.ts';
import type { FieldError } from '../../../shared/schemas/api.ts';
import type { RuleDefinition } from '../../../shared/schemas/rule.ts';

export function placeholderErrors(rule: Pick<RuleDefinition, 'content'>): FieldError[] {
  const texts = [
    { path: 'content.customText', text: rule.content.customText },
    ...rule.content.translations.map((v, i) => ({ path: `content.translations.${i}.customText`, text: v.customText })),
  ];
  return texts.flatMap(({ path, text }) => {
    const parsed = parseTemplate(text);
    return parsed.ok ? [] : parsed.problems.map((p) => ({ field: path, reason: `${p.placeholder}: ${p.reason}` }));
  });
}
