// The rules an interaction evaluates, compiled once per rules version and isolate. Loading and
// compiling an installation's rules costs JavaScript in proportion to their number (JSON.parse of
// each definition, compileRules: bench/rules-load.ts); evaluating a compiled set looks only at the
// rules indexed under the interaction's event and group. So the compiled set is kept per isolate,
// keyed by installation and end events, and trusted while the installation's `rules_version`
// (migration 0010) is the one it was loaded at. Every rule write bumps that version in the same
// D1 batch (http/rules-api.ts); that write moves the installation's row version on (migration
// 0013), which the interaction job's claim returns, so the job holds the current installation row
// (read again, or cached at that version) and a change is seen by the next interaction in every
// isolate at no extra round trip. On a miss only the rules of the interaction's events are read (rule_events index).
//
// Only resolved values are cached, never a pending promise (workerd refuses I/O objects shared
// across requests; as in http/zendesk-webhook-keys.ts), so concurrent first interactions in one
// isolate each load. Memory is bounded by the number of rules held (MAX_CACHED_RULES), the least
// recently loaded entries going first.
import { buildRuleSet, type RuleSet } from '../../../shared/rules/rule-set.ts';
import type { EndEvent } from '../../../shared/schemas/rule.ts';
import type { Installation } from '../db/installations.ts';
import { listRulesForEvents } from '../db/rules.ts';

/** Rules held over all entries: 10,000-rule installations take a few MB each (128 MB per isolate). */
const MAX_CACHED_RULES = 50_000;

interface Entry {
  version: number;
  set: RuleSet;
}

const cache = new Map<string, Entry>();
let cachedRules = 0;
let loads = 0;

const keyOf = (installationId: string, events: readonly EndEvent[]) => `${installationId}|${[...new Set(events)].sort().join(',')}`;

/** The compiled rules of `events` for the installation, from this isolate's cache when current. */
export async function loadRuleSet(db: D1Database, installation: Installation, events: readonly EndEvent[]): Promise<RuleSet> {
  const key = keyOf(installation.id, events);
  const hit = cache.get(key);
  if (hit && hit.version === installation.rulesVersion) return hit.set;
  loads += 1;
  // Read after the version (the installation row came first): what is cached is at least as new
  // as the version it is filed under, and any later write moves the version on.
  const set = buildRuleSet(await listRulesForEvents(db, installation.id, [...new Set(events)]));
  if (hit) {
    cache.delete(key);
    cachedRules -= hit.set.rules.length;
  }
  cache.set(key, { version: installation.rulesVersion, set });
  cachedRules += set.rules.length;
  // Map order is insertion order: the first key is the least recently loaded.
  while (cachedRules > MAX_CACHED_RULES && cache.size > 1) {
    const [oldest, entry] = cache.entries().next().value as [string, Entry];
    cache.delete(oldest);
    cachedRules -= entry.set.rules.length;
  }
  return set;
}

/** How many times rules were loaded from D1 in this isolate (the bench and tests read it). */
export function ruleSetLoads(): number {
  return loads;
}
