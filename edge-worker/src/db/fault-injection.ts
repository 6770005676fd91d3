// D1 errors on purpose, for the soak (soak/README in docs/soak.md): when FAULT_INJECT_D1_RATE is
// set, every D1 call of the worker (a statement's run / all / first / raw, a batch, an exec) fails
// with that probability, as a D1 that is briefly unavailable would. Two kinds:
//  - `before`: the call throws without touching the database (the request never reached D1);
//  - `after`:  the call is made, then throws (the write happened, its answer was lost).
// Off unless configured: the variable is never in wrangler.toml, and it is refused unless the
// worker's own URL is on this machine (PUBLIC_BASE_URL on 127.0.0.1 / localhost), so a deployed
// worker cannot be made to fail by configuration slip. Applied once, where the runtime hands env
// to the worker (index.ts); with the variable unset the handler gets env unchanged.
// Each injection is logged as one line ({"msg":"d1 fault injected","kind",...}); the soak counts them.
import type { Env } from '../env.ts';
import { log } from '../log.ts';
import { seededRandom } from '../../../shared/random/seeded-random.ts';

export type D1FaultKind = 'before' | 'after';

interface Injector {
  /** The fault for this call, or null. */
  next(op: string): D1FaultKind | null;
}


const LOCAL_URL = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/**
 * The injector the configuration asks for, or null (off). FAULT_INJECT_D1_RATE 0..1;
 * FAULT_INJECT_D1_SEED (default 1); FAULT_INJECT_D1_AFTER share of `after` among faults (0..1,
 * default 0.25); FAULT_INJECT_D1_UNTIL epoch ms after which nothing is injected.
 */
export function d1FaultInjector(env: Env): Injector | null {
  const rate = Number(env.FAULT_INJECT_D1_RATE);
  if (!env.FAULT_INJECT_D1_RATE || !Number.isFinite(rate) || rate <= 0) return null;
  if (!LOCAL_URL.test(env.PUBLIC_BASE_URL ?? '')) {
    log('error', 'FAULT_INJECT_D1_RATE ignored: only for a worker on this machine', {});
    return null;
  }
  const random = seededRandom(Number(env.FAULT_INJECT_D1_SEED) || 1);
  const afterShare = env.FAULT_INJECT_D1_AFTER === undefined ? 0.25 : Math.min(1, Math.max(0, Number(env.FAULT_INJECT_D1_AFTER) || 0));
  const until = Number(env.FAULT_INJECT_D1_UNTIL) || Number.POSITIVE_INFINITY;
  let injected = 0;
  return {
    next(op) {
      if (Date.now() > until) return null;
      if (random() >= rate) return null;
      const kind: D1FaultKind = random() < afterShare ? 'after' : 'before';
      injected += 1;
      log('warn', 'd1 fault injected', { kind, op, injected });
      return kind;
    },
  };
}

const injectedError = (op: string) => new Error(`D1_ERROR: injected fault in ${op} (FAULT_INJECT_D1_RATE)`);

async function withFault<T>(injector: Injector, op: string, call: () => Promise<T>): Promise<T> {
  const kind = injector.next(op);
  if (kind === 'before') throw injectedError(op);
  const result = await call();
  if (kind === 'after') throw injectedError(op);
  return result;
}

/** A prepared statement whose calls may fail; `real` is what a batch hands to D1. */
class FaultyStatement {
  readonly real: D1PreparedStatement;
  readonly injector: Injector;
  constructor(real: D1PreparedStatement, injector: Injector) {
    this.real = real;
    this.injector = injector;
  }
  bind(...values: unknown[]): FaultyStatement {
    return new FaultyStatement(this.real.bind(...values), this.injector);
  }
  first<T = unknown>(column?: string): Promise<T | null> {
    return withFault(this.injector, 'first', () => (column === undefined ? this.real.first<T>() : this.real.first<T>(column)));
  }
  run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return withFault(this.injector, 'run', () => this.real.run<T>());
  }
  all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return withFault(this.injector, 'all', () => this.real.all<T>());
  }
  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[] | [string[], ...T[]]> {
    // The overloads of raw() differ only by columnNames; pass the options through as given.
    return withFault(this.injector, 'raw', () => (this.real.raw as (o?: { columnNames?: boolean }) => Promise<T[] | [string[], ...T[]]>)(options));
  }
}

function faultyDatabase(db: D1Database, injector: Injector): D1Database {
  const unwrap = (s: D1PreparedStatement | FaultyStatement) => (s instanceof FaultyStatement ? s.real : s);
  const wrapped = {
    prepare: (query: string) => new FaultyStatement(db.prepare(query), injector),
    batch: <T = unknown>(statements: Array<D1PreparedStatement | FaultyStatement>) =>
      withFault(injector, 'batch', () => db.batch<T>(statements.map(unwrap))),
    exec: (query: string) => withFault(injector, 'exec', () => db.exec(query)),
    // Sessions and dumps are not used by the worker; they go to D1 untouched.
    withSession: (constraintOrBookmark?: string) => db.withSession(constraintOrBookmark),
    dump: () => db.dump(),
  };
  // FaultyStatement has every method the worker calls on a D1PreparedStatement.
  return wrapped as unknown as D1Database;
}

const wrappedEnvs = new WeakMap<object, Env>();
/** One injector per isolate (one seeded sequence), whether or not the runtime reuses env objects. */
let isolateInjector: { config: string; injector: Injector | null } | null = null;

/** env with a fault-injecting DB when configured, else env itself (one wrapper per env object). */
export function envWithD1Faults(env: Env): Env {
  const known = wrappedEnvs.get(env);
  if (known) return known;
  const config = [env.FAULT_INJECT_D1_RATE, env.FAULT_INJECT_D1_SEED, env.FAULT_INJECT_D1_AFTER, env.FAULT_INJECT_D1_UNTIL, env.PUBLIC_BASE_URL].join('|');
  if (isolateInjector?.config !== config) isolateInjector = { config, injector: d1FaultInjector(env) };
  const injector = isolateInjector.injector;
  const result = injector ? { ...env, DB: faultyDatabase(env.DB, injector) } : env;
  wrappedEnvs.set(env, result);
  return result;
}

/**
 * The worker's handlers, each given envWithD1Faults(env) (env is the second argument of fetch,
 * queue and scheduled alike).
 */
export function withD1FaultInjection<H extends object>(handler: H): H {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(handler)) {
    out[name] =
      typeof value === 'function'
        ? (first: unknown, env: Env, ...rest: unknown[]) => (value as (...a: unknown[]) => unknown)(first, envWithD1Faults(env), ...rest)
        : value;
  }
  return out as H;
}
