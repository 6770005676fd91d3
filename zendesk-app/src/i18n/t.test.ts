// @vitest-environment node
// The translation file is complete: every key the code uses exists in English, every reason,
// status, operator and event code has a text, and the sidebar registers every section it uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EndEvent, FieldOperator } from '../../../shared/schemas/rule.ts';
import { RecipientKind, SendReason, SendStatus } from '../../../shared/schemas/send.ts';
import en from '../../translations/en.json';
import { hasTranslation, registerTranslations, t } from './t.ts';

const SRC = fileURLToPath(new URL('..', import.meta.url));
registerTranslations(en);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.includes('.test.') ? [path] : [];
  });
}

/** Literal keys passed to t(...) in a file. */
function keysIn(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/\bt\(\s*'([a-z_]+(?:\.[a-z_0-9]+)+)'/g)].map((m) => m[1] ?? '');
}

describe('translations', () => {
  it('has every key the code uses', () => {
    const missing = sourceFiles(SRC).flatMap((file) =>
      keysIn(file)
        .filter((key) => !hasTranslation(key))
        .map((key) => `${file.slice(SRC.length)}: ${key}`),
    );
    expect(missing).toEqual([]);
  });

  it('has a text for every status, reason, recipient kind, operator and event', () => {
    const families: Array<[string, readonly string[]]> = [
      ['status', SendStatus.options],
      ['reasons', SendReason.options],
      ['recipient_kind', RecipientKind.options],
      ['operators', FieldOperator.options],
      ['events', EndEvent.options],
    ];
    const missing = families.flatMap(([prefix, codes]) => codes.map((code) => `${prefix}.${code}`).filter((key) => !hasTranslation(key)));
    expect(missing).toEqual([]);
  });

  it('registers, for the ticket sidebar, every section its code uses', () => {
    const registered = readFileSync(join(SRC, 'i18n', 'sidebar-strings.ts'), 'utf8');
    const sections = new Set([...registered.matchAll(/registerTranslations\(\{([^}]*)\}/g)][0]?.[1]?.split(',').map((s) => s.trim()));
    const files = [...sourceFiles(join(SRC, 'ticket-sidebar')), ...sourceFiles(join(SRC, 'ui')), ...sourceFiles(join(SRC, 'session'))];
    const used = new Set(files.flatMap(keysIn).map((key) => key.split('.')[0] ?? ''));
    for (const dynamic of ['status', 'reasons', 'recipient_kind']) used.add(dynamic);
    expect([...used].filter((s) => !sections.has(s))).toEqual([]);
  });

  it('fills placeholders and picks plural forms', () => {
    expect(t('rules.move_up', { label: 'Thanks' })).toBe('Move Thanks up');
    expect(t('counter.segments', { count: 1 })).toBe('1 segment');
    expect(t('counter.segments', { count: 3 })).toBe('3 segments');
    expect(t('no.such.key')).toBe('no.such.key');
  });
});
