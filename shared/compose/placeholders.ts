// Placeholders in a rule's custom text, in the syntax Zendesk admins write in triggers (Liquid
// output tags: support.zendesk.com/hc/en-us/articles/4408886858138 "Zendesk Support placeholders
// reference"). Pure. No I/O. Shared by the worker (validation on save, rendering at send time) and
// the rule editor (the live counter's worst case), so both read one grammar.
//
// Grammar (a subset of Liquid: output tags with the `default` filter):
//   text        := (literal | output)*
//   output      := "{{" ws path ws ("|" ws "default" ws ":" ws string ws)? "}}"
//   path        := a name of PLACEHOLDERS, or ticket.ticket_field_<id> / ticket.ticket_field_option_title_<id>
//   string      := "..." | '...'
// Liquid tags (`{% if %}` ...) are refused on save: an SMS is short, and a rule picks its language
// by locale variants instead (rule.content.translations).
//
// Why not liquidjs: it runs on Workers (no eval or new Function in its build), but its browser
// build is 124.9 kB minified, 32.2 kB gzip (liquidjs 10.30.1), and the rule editor would need it
// for the counter: the admin page (nav bar) is at 216.7 of its 250 kB gzip budget. This
// interpreter covers what an SMS needs in well under 2 kB.
//
// Values are data: a rendered value is never parsed again, so a ticket title holding
// "{{ticket.id}}" or "{% ... %}" comes out as those characters. Every value is cut to its
// placeholder's documented maximum, which is what the editor's worst case counts with.

export interface PlaceholderInfo {
  /** Longest value the placeholder renders, in characters (longer values are cut to this). */
  maxLength: number;
  description: string;
}

/**
 * The placeholders a rule's text may use, with their maximum lengths. Names follow Zendesk's
 * placeholders reference (support.zendesk.com/hc/en-us/articles/4408886858138). The maxima are
 * this app's, chosen for a text message (Zendesk documents no length for names or subjects).
 */
export const PLACEHOLDERS: Readonly<Record<string, PlaceholderInfo>> = {
  'ticket.id': { maxLength: 12, description: 'The ticket number' },
  'ticket.title': { maxLength: 80, description: 'The ticket subject' },
  'ticket.status': { maxLength: 10, description: 'The ticket status (Solved, Open, ...)' },
  'ticket.priority': { maxLength: 10, description: 'The ticket priority (Low, Normal, High, Urgent)' },
  'ticket.ticket_type': { maxLength: 10, description: 'The ticket type (Question, Incident, Problem, Task)' },
  'ticket.group.name': { maxLength: 40, description: 'The name of the ticket group' },
  'ticket.requester.name': { maxLength: 40, description: "The requester's full name" },
  'ticket.requester.first_name': { maxLength: 20, description: "The requester's first name" },
  'ticket.assignee.name': { maxLength: 40, description: "The assignee's full name" },
  'ticket.assignee.first_name': { maxLength: 20, description: "The assignee's first name" },
};

/** A custom ticket field's value; a drop-down renders its option's name (the title agents see). */
export const TICKET_FIELD_MAX_LENGTH = 60;
const TICKET_FIELD = /^ticket\.ticket_field_(?:option_title_)?(\d{1,20})$/;

/** The longest default a placeholder may carry. */
export const DEFAULT_MAX_LENGTH = 60;

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; name: string; fallback: string | null; fieldId: string | null };

export interface TemplateProblem {
  /** The placeholder (or tag) as written, e.g. "{{ticket.foo}}". */
  placeholder: string;
  reason: string;
}

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; problems: TemplateProblem[] };

/** Max length of a placeholder name, or null when the name is not one. */
export function placeholderMaxLength(name: string): number | null {
  if (Object.hasOwn(PLACEHOLDERS, name)) return PLACEHOLDERS[name]?.maxLength ?? null;
  return TICKET_FIELD.test(name) ? TICKET_FIELD_MAX_LENGTH : null;
}

const OUTPUT_BODY = /^\s*([A-Za-z0-9_.]+)\s*(?:\|\s*([A-Za-z_]+)\s*(?::\s*(?:"([^"]*)"|'([^']*)'))?\s*)?$/;

/** Splits a rule's text into literal text and placeholders; lists every problem at once. */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let i = 0;
  let literal = '';
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open === text.length - 1) {
      literal += text.slice(i);
      break;
    }
    const next = text[open + 1];
    if (next !== '{' && next !== '%') {
      literal += text.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    literal += text.slice(i, open);
    const closer = next === '{' ? '}}' : '%}';
    const close = text.indexOf(closer, open + 2);
    if (close < 0) {
      problems.push({ placeholder: text.slice(open, open + 40), reason: `Not closed with ${closer}` });
      break;
    }
    const written = text.slice(open, close + 2);
    i = close + 2;
    if (next === '%') {
      problems.push({ placeholder: written, reason: 'Liquid tags ({% %}) are not supported; use placeholders such as {{ticket.id}}' });
      continue;
    }
    const m = OUTPUT_BODY.exec(text.slice(open + 2, close));
    if (!m) {
      problems.push({ placeholder: written, reason: 'Not a placeholder: write {{ticket.id}} or {{ticket.requester.first_name | default: "there"}}' });
      continue;
    }
    const name = m[1] ?? '';
    const filter = m[2];
    const fallback = m[3] ?? m[4] ?? null;
    if (placeholderMaxLength(name) === null) {
      problems.push({ placeholder: written, reason: `Unknown placeholder ${name}` });
      continue;
    }
    if (filter !== undefined && filter !== 'default') {
      problems.push({ placeholder: written, reason: `Unknown filter ${filter}: only default is supported` });
      continue;
    }
    if (filter === 'default' && fallback === null) {
      problems.push({ placeholder: written, reason: 'default needs a quoted text, e.g. default: "there"' });
      continue;
    }
    if (fallback !== null && fallback.length > DEFAULT_MAX_LENGTH) {
      problems.push({ placeholder: written, reason: `A default is at most ${DEFAULT_MAX_LENGTH} characters` });
      continue;
    }
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push({ kind: 'placeholder', name, fallback, fieldId: TICKET_FIELD.exec(name)?.[1] ?? null });
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, parts };
}

/** The custom field ids a text names through ticket_field placeholders (checked against Zendesk on save). */
export function placeholderFieldIds(text: string): string[] {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return [];
  const ids = parsed.parts.flatMap((p) => (p.kind === 'placeholder' && p.fieldId ? [p.fieldId] : []));
  return [...new Set(ids)];
}

/** Values by placeholder name; missing or null renders the default, else nothing. */
export type PlaceholderValues = Readonly<Record<string, string | null | undefined>>;

function cut(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

/**
 * The text with every placeholder replaced by its value (one line, cut to the placeholder's
 * maximum), or its default when the value is missing or blank. Values are inserted as they are:
 * never parsed again.
 */
export function renderTemplate(parts: readonly TemplatePart[], values: PlaceholderValues): string {
  return parts
    .map((p) => {
      if (p.kind === 'text') return p.text;
      const raw = Object.hasOwn(values, p.name) ? values[p.name] : undefined;
      const value = (raw ?? '').replace(/\s+/g, ' ').trim();
      if (value === '') return p.fallback ?? '';
      return cut(value, placeholderMaxLength(p.name) ?? value.length);
    })
    .join('');
}

/**
 * The longest text the parts can render: each placeholder at its maximum length (or its default,
 * when longer). The filler is a GSM-7 letter, so the encoding shown is the text's own; a name
 * with letters outside GSM-7 makes the real message UCS-2 (the preview on a ticket shows that).
 */
export function worstCaseText(parts: readonly TemplatePart[]): string {
  return parts
    .map((p) => {
      if (p.kind === 'text') return p.text;
      const max = Math.max(placeholderMaxLength(p.name) ?? 0, Array.from(p.fallback ?? '').length);
      return 'x'.repeat(max);
    })
    .join('');
}

/**
 * The locale variant for a requester: the variant of exactly that locale, else one of the same
 * language (de-CH finds de, de finds de-DE), else null (the rule's default text). Case-insensitive,
 * as Zendesk spells locales both ways (en-US, pt-br).
 */
export function pickLocale<T extends { locale: string }>(variants: readonly T[], requesterLocale: string | null | undefined): T | null {
  if (!requesterLocale) return null;
  const wanted = requesterLocale.toLowerCase();
  const exact = variants.find((v) => v.locale.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split('-')[0];
  return variants.find((v) => v.locale.toLowerCase().split('-')[0] === language) ?? null;
}

/**
 * Every placeholder problem of a rule's texts (the default and each language) as field errors
 * naming the placeholder as written, e.g.
 *   { field: 'content.translations.0.customText', reason: '{{ticket.foo}}: Unknown placeholder ticket.foo' }.
 * The worker refuses a save with them (422, rules/prepare-rule.ts); the editor shows them as you
 * type. Not part of the zod schema: stored rules are re-parsed with it on every read, and a text
 * saved before placeholders existed may hold a literal "{{" (it is sent as written).
 */
export function contentPlaceholderErrors(content: {
  customText: string;
  translations?: ReadonlyArray<{ customText: string }> | undefined;
}): Array<{ field: string; reason: string }> {
  const texts = [
    { field: 'content.customText', text: content.customText },
    ...(content.translations ?? []).map((v, i) => ({ field: `content.translations.${i}.customText`, text: v.customText })),
  ];
  return texts.flatMap(({ field, text }) => {
    const parsed = parseTemplate(text);
    return parsed.ok ? [] : parsed.problems.map((p) => ({ field, reason: `${p.placeholder}: ${p.reason}` }));
  });
}
