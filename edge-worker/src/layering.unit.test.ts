// The worker's imports point down: a webhook arrives in http/, a job is run by queue/, the steps
// it calls (pipeline, send, replies) use the platform clients (zendesk, telnyx) and the database,
// and everything may use the bottom layer (env, errors, log, job types, webhook URLs, shared/).
// This test reads every source file and fails on an import that points up or sideways.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Layer of each folder under edge-worker/src; top-level files are layer 0 unless named here. */
const LAYER: Record<string, number> = {
  crypto: 0,
  db: 1,
  verify: 1,
  summary: 1,
  telnyx: 2,
  zendesk: 2,
  auth: 3,
  rules: 3,
  send: 3,
  replies: 3,
  pipeline: 4,
  scheduled: 4,
  queue: 5,
  http: 5,
  'index.ts': 6,
};

function layerOf(pathInSrc: string): { name: string; layer: number } {
  if (pathInSrc.startsWith('..')) return { name: 'shared', layer: 0 };
  const first = pathInSrc.split('/')[0] ?? '';
  const layer = LAYER[first];
  if (layer !== undefined) return { name: first, layer };
  if (!pathInSrc.includes('/')) return { name: first, layer: 0 };
  throw new Error(`edge-worker/src/${first} has no layer: add it to LAYER in layering.unit.test.ts`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('worker layering', () => {
  it('every import points to the same or a lower layer, never between folders of one layer', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = layerOf(relative(SRC, file));
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = relative(SRC, resolve(dirname(file), match[1] ?? ''));
        const to = layerOf(target);
        if (to.name === from.name) continue;
        if (to.layer > from.layer || (to.layer === from.layer && to.layer > 0)) {
          wrong.push(`${relative(SRC, file)} imports ${target} (${from.name}@${from.layer} → ${to.name}@${to.layer})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
