// Unsaved form content kept across a reload of the app, in sessionStorage (this browser tab
// only) under `pisms:draft:<location>:<what>`. Written when the session ends (the user must
// reload the app to get a new one), read when a location loads, removed once the content is
// saved or discarded. Each entry names its owner (subdomain and user), so another user signing
// in to the same tab never sees it, and expires with the longest possible session (12 hours).
import type { z } from 'zod';

const PREFIX = 'pisms:draft';
const MAX_AGE_MS = 12 * 60 * 60_000;

export function draftKey(location: string, what: string): string {
  return `${PREFIX}:${location}:${what}`;
}

interface Entry {
  owner: string;
  savedAt: number;
  value: unknown;
}

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked (third-party iframe settings)
  }
}

export function saveDraft(location: string, what: string, owner: string, value: unknown): boolean {
  const store = storage();
  if (!store) return false;
  try {
    const entry: Entry = { owner, savedAt: Date.now(), value };
    store.setItem(draftKey(location, what), JSON.stringify(entry));
    return true;
  } catch {
    return false; // quota
  }
}

/** The saved value when it belongs to `owner`, is recent and passes `schema`; else null. */
export function loadDraft<S extends z.ZodType>(location: string, what: string, owner: string, schema: S): z.output<S> | null {
  const store = storage();
  const raw = store?.getItem(draftKey(location, what));
  if (!store || !raw) return null;
  try {
    const entry = JSON.parse(raw) as Partial<Entry>;
    if (entry.owner !== owner || typeof entry.savedAt !== 'number' || Date.now() - entry.savedAt > MAX_AGE_MS) {
      store.removeItem(draftKey(location, what));
      return null;
    }
    const parsed = schema.safeParse(entry.value);
    if (parsed.success) return parsed.data;
  } catch {
    // unreadable: dropped below
  }
  store.removeItem(draftKey(location, what));
  return null;
}

export function clearDraft(location: string, what: string): void {
  try {
    storage()?.removeItem(draftKey(location, what));
  } catch {
    // nothing to clear
  }
}

/** Whose a draft is: the Zendesk account and user the worker named in /v1/me. */
export function draftOwner(me: { subdomain: string; userId: string }): string {
  return `${me.subdomain}:${me.userId}`;
}

/** What the admin screen keeps: the rule editor's form and the Setup tab's settings form. */
export const DRAFT_RULE = 'rule';
export const DRAFT_SETTINGS = 'settings';
