// Reads the soak's local D1 with `wrangler d1 execute DB --local --persist-to <state> --json`: the
// same SQLite state the worker under test writes (wrangler dev --persist-to), read by wrangler's
// own tool rather than by the code under test. Node only.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../scripts/local-stack.ts';

const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/**
 * Runs one or more `;`-separated statements; returns the rows of each, in order. While the worker
 * runs on the same state, SQLite may be busy for a moment: that is retried.
 */
export async function queryLocalD1(persistDir: string, sql: string, tries = 8): Promise<Array<Array<Record<string, unknown>>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await queryOnce(persistDir, sql);
    } catch (error) {
      if (attempt >= tries || !/SQLITE_BUSY|database is locked/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function queryOnce(persistDir: string, sql: string): Promise<Array<Array<Record<string, unknown>>>> {
  const child = spawn(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', '--local', '--persist-to', persistDir, '--json', '--command', sql], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`wrangler d1 execute failed (exit ${code}): ${err.slice(-1500)}${out.slice(-500)}`);
  // wrangler may print a banner before the JSON: start at the first '['.
  const start = out.indexOf('[');
  const parsed = JSON.parse(out.slice(start)) as Array<{ results?: Array<Record<string, unknown>>; success?: boolean }>;
  return parsed.map((r) => r.results ?? []);
}
