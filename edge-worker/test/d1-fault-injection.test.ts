// The soak's D1 fault injection (edge-worker/src/db/fault-injection.ts) against the real local D1:
// off unless configured, refused for a worker that is not on this machine, and when on, `before`
// faults leave the database untouched while `after` faults make the write and still fail.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { envWithD1Faults } from '../src/db/fault-injection.ts';
import type { Env } from '../src/env.ts';

const LOCAL = 'http://127.0.0.1:8787';

/** A fresh env object (the wrapper is cached per env object) with the given variables. */
const envWith = (vars: Partial<Env>): Env => ({ ...(env as unknown as Env), ...vars });

/** A scratch table of this test file only (the product's tables are not needed to see a write). */
async function probeTable(): Promise<void> {
  await env.DB.prepare('CREATE TABLE IF NOT EXISTS fault_probe (marker TEXT NOT NULL)').run();
}

async function countProbes(marker: string): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM fault_probe WHERE marker = ?').bind(marker).first<{ n: number }>();
  return row?.n ?? 0;
}

const insertProbe = (db: D1Database, marker: string) => db.prepare('INSERT INTO fault_probe (marker) VALUES (?)').bind(marker).run();

describe('D1 fault injection (soak only)', () => {
  it('is a no-op when FAULT_INJECT_D1_RATE is unset or 0: the same env comes back', () => {
    const plain = envWith({ PUBLIC_BASE_URL: LOCAL });
    expect(envWithD1Faults(plain)).toBe(plain);
    const zero = envWith({ PUBLIC_BASE_URL: LOCAL, FAULT_INJECT_D1_RATE: '0' });
    expect(envWithD1Faults(zero)).toBe(zero);
  });

  it('is refused for a worker whose own URL is not on this machine', () => {
    const deployed = envWith({ PUBLIC_BASE_URL: 'https://sms.example.com', FAULT_INJECT_D1_RATE: '1' });
    expect(envWithD1Faults(deployed)).toBe(deployed);
  });

  it('`before` faults fail every call without writing; reads and batches fail too', async () => {
    await probeTable();
    const faulty = envWithD1Faults(envWith({ PUBLIC_BASE_URL: LOCAL, FAULT_INJECT_D1_RATE: '1', FAULT_INJECT_D1_AFTER: '0', FAULT_INJECT_D1_SEED: '11' }));
    expect(faulty.DB).not.toBe(env.DB);
    await expect(insertProbe(faulty.DB, 'fi_before')).rejects.toThrow(/D1_ERROR: injected fault in run/);
    await expect(faulty.DB.prepare('SELECT 1 AS one').first()).rejects.toThrow(/injected fault in first/);
    await expect(faulty.DB.batch([faulty.DB.prepare('SELECT 1')])).rejects.toThrow(/injected fault in batch/);
    expect(await countProbes('fi_before')).toBe(0);
  });

  it('`after` faults make the write, then fail (the answer is lost)', async () => {
    await probeTable();
    const faulty = envWithD1Faults(envWith({ PUBLIC_BASE_URL: LOCAL, FAULT_INJECT_D1_RATE: '1', FAULT_INJECT_D1_AFTER: '1', FAULT_INJECT_D1_SEED: '12' }));
    await expect(insertProbe(faulty.DB, 'fi_after')).rejects.toThrow(/injected fault in run/);
    expect(await countProbes('fi_after')).toBe(1);
  });

  it('injects at about the configured rate, and nothing after FAULT_INJECT_D1_UNTIL', async () => {
    const faulty = envWithD1Faults(envWith({ PUBLIC_BASE_URL: LOCAL, FAULT_INJECT_D1_RATE: '0.3', FAULT_INJECT_D1_SEED: '13' }));
    let failed = 0;
    for (let i = 0; i < 100; i++) failed += await faulty.DB.prepare('SELECT 1').first().then(() => 0, () => 1);
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(60);

    const over = envWithD1Faults(envWith({ PUBLIC_BASE_URL: LOCAL, FAULT_INJECT_D1_RATE: '1', FAULT_INJECT_D1_UNTIL: String(Date.now() - 1) }));
    await expect(over.DB.prepare('SELECT 1 AS one').first<{ one: number }>()).resolves.toEqual({ one: 1 });
  });
});
