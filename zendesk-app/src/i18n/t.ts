// t(key, vars): UI strings from translations/en.json, the same file Zendesk reads for the app's
// marketplace texts and setting labels. Each location registers the sections it uses (see
// admin-strings.ts and sidebar-strings.ts), so the ticket sidebar does not carry the admin
// screen's strings. `{{name}}` placeholders as in ZAF's own translation format; an entry with
// `one`/`other` picks by `vars.count`.

export type TranslationVars = Record<string, string | number>;

export type TranslationTree = { [key: string]: string | TranslationTree };

const catalog: TranslationTree = {};

/** Adds sections of the translation file (top-level keys) to the catalog. */
export function registerTranslations(sections: Record<string, unknown>): void {
  Object.assign(catalog, sections as TranslationTree);
}

function lookup(tree: TranslationTree, key: string): string | TranslationTree | undefined {
  let node: string | TranslationTree | undefined = tree;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return node;
}

function interpolate(template: string, vars: TranslationVars | undefined): string {
  if (!vars) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : match));
}

/** Returns the translation, or the key itself when missing (visible in the UI, caught by tests). */
export function t(key: string, vars?: TranslationVars): string {
  const entry = lookup(catalog, key);
  if (typeof entry === 'string') return interpolate(entry, vars);
  if (entry && typeof vars?.count === 'number') {
    const form = vars.count === 1 ? entry.one : entry.other;
    if (typeof form === 'string') return interpolate(form, vars);
  }
  return key;
}

/** True when `key` names a translation (for optional lookups such as reason codes). */
export function hasTranslation(key: string): boolean {
  return lookup(catalog, key) !== undefined;
}
