import { describe, expect, it } from 'vitest';
import { parseTemplate, pickLocale, placeholderFieldIds, renderTemplate, worstCaseText } from './placeholders.ts';

function parts(text: string) {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.parts;
}

describe('placeholders', () => {
  it('renders known placeholders, the default filter and custom fields', () => {
    const text = 'Hi {{ticket.requester.first_name | default: "there"}}, #{{ ticket.id }} ({{ticket.ticket_field_42}}) is {{ticket.status}}.';
    expect(renderTemplate(parts(text), { 'ticket.id': '7', 'ticket.ticket_field_42': 'Refund', 'ticket.status': 'Solved' })).toBe(
      'Hi there, #7 (Refund) is Solved.',
    );
    expect(renderTemplate(parts(text), { 'ticket.requester.first_name': 'Ada', 'ticket.id': '7' })).toBe('Hi Ada, #7 () is .');
  });

  it('names every unknown placeholder, filter and Liquid tag', () => {
    const parsed = parseTemplate("{{ticket.foo}} {{ticket.id | upcase}} {% if x %}y{% endif %} {{ticket.title | default: 'a'}} {{oops");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.placeholder)).toEqual(['{{ticket.foo}}', '{{ticket.id | upcase}}', '{% if x %}', '{% endif %}', '{{oops']);
    expect(parsed.problems[0]?.reason).toBe('Unknown placeholder ticket.foo');
  });

  it('keeps values inert: a value holding placeholder or tag syntax comes out literally', () => {
    const out = renderTemplate(parts('Re: {{ticket.title}}'), { 'ticket.title': '{{ticket.id}} {% if %} {{ticket.requester.name}}' });
    expect(out).toBe('Re: {{ticket.id}} {% if %} {{ticket.requester.name}}');
  });

  it('cuts values to the documented maximum, and the worst case counts with it', () => {
    const p = parts('{{ticket.requester.first_name}}!');
    expect(renderTemplate(p, { 'ticket.requester.first_name': 'x'.repeat(50) })).toBe(`${'x'.repeat(20)}!`);
    expect(worstCaseText(p)).toBe(`${'x'.repeat(20)}!`);
    expect(worstCaseText(parts('{{ticket.id | default: "a very long default text for the id"}}')).length).toBe(35);
  });

  it('leaves lone braces alone and lists custom field ids', () => {
    expect(renderTemplate(parts('a { b } c }}'), {})).toBe('a { b } c }}');
    expect(placeholderFieldIds('{{ticket.ticket_field_1}} {{ticket.ticket_field_option_title_2}} {{ticket.ticket_field_1}}')).toEqual(['1', '2']);
  });

  it('picks the exact locale, else the same language, else none', () => {
    const v = [{ locale: 'de' }, { locale: 'en-US' }, { locale: 'pt-BR' }];
    expect(pickLocale(v, 'en-us')?.locale).toBe('en-US');
    expect(pickLocale(v, 'de-CH')?.locale).toBe('de');
    expect(pickLocale(v, 'pt')?.locale).toBe('pt-BR');
    expect(pickLocale(v, 'fr')).toBeNull();
    expect(pickLocale(v, null)).toBeNull();
  });
});
