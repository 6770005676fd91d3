// The whole product on one machine, reusable: the Zendesk and Telnyx fakes (demo data, SMS
// sandbox with signed delivery callbacks), the worker on workerd (`wrangler dev`, local D1 with
// migrations applied, local Queues), the demo installation provisioned through the worker's real
// API, and the playground (playground/server.ts). Used by `npm start` (scripts/start.ts) and the
// browser tests (test/e2e/); each caller picks its ports and state folder, so they can run at once.
// Node >= 22 (type stripping); wrangler is started with Node 22 as well (it refuses older ones).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPlaygroundServer } from '../playground/server.ts';
import type { PlaygroundServer } from '../playground/server.ts';
import { signJwtHs256 } from '../playground/zaf-proxy.ts';
import { telnyxControl } from '../test/fakes/control-client.ts';
import { demoAccount, demoTelnyxAccount, startFakes, TELNYX_DEMO, ZENDESK_DEMO } from '../test/fakes/index.ts';
import type { Fakes } from '../test/fakes/index.ts';
import { type Child, stopChild } from './child-process.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Local-only credentials: fixed so restarts reuse the same encrypted D1 rows. Not secrets. */
export const LOCAL_DEV = {
  subdomain: 'demo',
  provisioningToken: 'local-provisioning-token-0123456789',
  /** base64 of the 32 bytes "local-playground-secrets-key-32b" (AES-GCM key for stored credentials). */
  secretsKey: Buffer.from('local-playground-secrets-key-32b').toString('base64'),
  webhookSigningSecret: 'whsec_local_playground_0123456789abcdef',
} as const;

export interface StackPorts {
  worker: number;
  zendesk: number;
  telnyx: number;
  playground: number;
}

export const DEFAULT_PORTS: StackPorts = { worker: 8787, zendesk: 8788, telnyx: 8789, playground: 8790 };

export interface LocalStackOptions {
  /** Per service; 0 = a free port picked at start. Defaults: DEFAULT_PORTS. */
  ports?: Partial<StackPorts>;
  host?: string;
  /** Local D1 / Queues state for wrangler (default .wrangler/state, as `npm run db:migrate:local`). */
  persistDir?: string;
  /** Where the installation id and shared secret are kept between runs (default .wrangler/local-installation.json). */
  installationFile?: string;
  /** Deletes the state folder and the installation file first. */
  fresh?: boolean;
  /** Build zendesk-app/dist when missing or older than its sources (default), always, or never. */
  buildApp?: 'if-stale' | 'always' | 'never';
  /** wrangler's own output: printed with a prefix (default), dropped, or appended to a file. */
  workerOutput?: 'inherit' | 'ignore' | { file: string };
  /** Delay of the sandbox's delivery callbacks (ms, default 1000). */
  callbackDelayMs?: number;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
}

export interface LocalInstallation {
  id: string;
  sharedSecret: string;
  subdomain: string;
  webhookSigningSecret: string;
}

export interface LocalStack {
  workerUrl: string;
  playgroundUrl: string;
  zendeskUrl: string;
  telnyxUrl: string;
  installation: LocalInstallation;
  /** Whether this start created the installation (false: reused from an earlier run). */
  provisioned: boolean;
  stop(): Promise<void>;
}

// --- ports ------------------------------------------------------------------------------------

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

async function resolvePort(name: string, port: number, host: string): Promise<number> {
  try {
    return await listenOnce(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} (${name}) on ${host} is already in use. Is another \`npm start\` running? Stop it, or free the port.`);
    }
    throw error;
  }
}

// --- child processes --------------------------------------------------------------------------

/** Node 22 for wrangler and vite: this process when it is 22+, else the `node` devDependency. */
function node22(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const local = join(ROOT, 'node_modules', '.bin', 'node');
  if (existsSync(local)) return local;
  throw new Error('Node 22 or later is needed (wrangler refuses older ones): run through `npm run` / `npm start`.');
}

function startChild(args: string[], output: LocalStackOptions['workerOutput'], prefix: string, env: Record<string, string> = {}): Child {
  const child = spawn(node22(), args, {
    cwd: ROOT,
    // Own process group, so stop() ends wrangler together with the workerd it starts.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
  });
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 60) tail.shift();
    if (output === 'inherit' || output === undefined) process.stdout.write(`${prefix} │ ${line}\n`);
    else if (output !== 'ignore') writeFileSync(output.file, `${line}\n`, { flag: 'a' });
  };
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);
  // If this process ends without stop() (an uncaught error, process.exit), take the group along.
  const killGroup = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', killGroup);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killGroup);
      resolve(code);
    }),
  );
  return { process: child, tail, exited };
}

async function runChild(args: string[], output: LocalStackOptions['workerOutput'], prefix: string, what: string): Promise<void> {
  const child = startChild(args, output, prefix, { CI: '1' });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${child.tail.join('\n')}`);
}


// --- the app build ----------------------------------------------------------------------------

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'test') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function appBuildIsStale(): boolean {
  const pages = ['nav_bar.html', 'ticket_sidebar.html'].map((p) => join(ROOT, 'zendesk-app', 'dist', 'assets', p));
  if (!pages.every((p) => existsSync(p))) return true;
  const built = Math.min(...pages.map((p) => statSync(p).mtimeMs));
  const sources = ['zendesk-app/src', 'zendesk-app/translations', 'zendesk-app/assets', 'zendesk-app/vite.config.ts', 'shared'];
  return sources.some((s) => newestMtime(join(ROOT, s)) > built);
}

async function buildApp(log: (line: string) => void, output: LocalStackOptions['workerOutput']): Promise<void> {
  log('Building the Zendesk app (npm run app:build)…');
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await runChild([vite, 'build', '--config', 'zendesk-app/vite.config.ts', '--logLevel', 'warn'], output, 'app-build', 'The app build');
}

// --- the worker API ---------------------------------------------------------------------------

async function waitForHealth(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`wrangler dev exited (code ${exitCode}):\n${child.tail.join('\n')}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The worker did not answer ${url}/health within ${timeoutMs / 1000}s:\n${child.tail.join('\n')}`);
}

async function callWorker(workerUrl: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${workerUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** A token like the one Zendesk's proxy signs for the app, as the demo admin. */
function adminToken(installation: LocalInstallation): string {
  return signJwtHs256(installation.sharedSecret, { iss: installation.id, sub: String(ZENDESK_DEMO.users.admin) }, { expiresInS: 300 });
}

function readInstallationFile(file: string): LocalInstallation | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalInstallation>;
    if (typeof parsed.id === 'string' && typeof parsed.sharedSecret === 'string' && typeof parsed.subdomain === 'string') {
      return {
        id: parsed.id,
        sharedSecret: parsed.sharedSecret,
        subdomain: parsed.subdomain,
        webhookSigningSecret: parsed.webhookSigningSecret ?? LOCAL_DEV.webhookSigningSecret,
      };
    }
  } catch {
    // Unreadable: treated as missing.
  }
  return null;
}

/**
 * Creates the demo installation through POST /v1/installations (operator token), or reuses the
 * one an earlier run created (409) from the installation file. Either way the Telnyx credentials
 * are (re)connected: the Telnyx fake makes a new signing key pair at every start.
 */
async function provision(
  workerUrl: string,
  telnyxUrl: string,
  file: string,
): Promise<{ installation: LocalInstallation; created: boolean }> {
  const publicKey = await telnyxControl(telnyxUrl).publicKey();
  const telnyx = { apiKey: TELNYX_DEMO.apiKey, messagingProfileId: TELNYX_DEMO.profiles.support, publicKey };
  const res = await callWorker(workerUrl, 'POST', '/v1/installations', LOCAL_DEV.provisioningToken, {
    subdomain: LOCAL_DEV.subdomain,
    zendeskOAuth: {
      accessToken: ZENDESK_DEMO.accessToken,
      refreshToken: ZENDESK_DEMO.refreshToken,
      clientId: ZENDESK_DEMO.clientId,
      clientSecret: ZENDESK_DEMO.clientSecret,
    },
    telnyx,
    webhookSigningSecret: LOCAL_DEV.webhookSigningSecret,
    settings: { defaultCountry: 'US', supervisorRoleNames: ['Supervisor'], summariesEnabled: true },
  });
  if (res.status === 201) {
    const body = JSON.parse(res.text) as { installationId: string; sharedSecret: string };
    const installation: LocalInstallation = {
      id: body.installationId,
      sharedSecret: body.sharedSecret,
      subdomain: LOCAL_DEV.subdomain,
      webhookSigningSecret: LOCAL_DEV.webhookSigningSecret,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(installation, null, 2)}\n`, { mode: 0o600 });
    return { installation, created: true };
  }
  if (res.status !== 409) throw new Error(`Provisioning the demo installation failed: ${res.status} ${res.text}`);

  const startOver = 'Run `npm start -- --fresh` to start from an empty local database.';
  const installation = readInstallationFile(file);
  if (!installation || installation.subdomain !== LOCAL_DEV.subdomain) {
    throw new Error(
      `The local D1 already has an installation for "${LOCAL_DEV.subdomain}", but ${file} (its id and secret) is missing. ${startOver}`,
    );
  }
  const reconnect = await callWorker(workerUrl, 'PUT', '/v1/settings/telnyx', adminToken(installation), telnyx);
  if (reconnect.status !== 200) {
    throw new Error(
      `The saved installation ${installation.id} does not match the local D1 (${reconnect.status} ${reconnect.text}). ${startOver}`,
    );
  }
  return { installation, created: false };
}

// --- the stack --------------------------------------------------------------------------------

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const output = options.workerOutput ?? 'inherit';
  const persistDir = options.persistDir ?? join(ROOT, '.wrangler', 'state');
  const installationFile = options.installationFile ?? join(ROOT, '.wrangler', 'local-installation.json');
  const wanted = { ...DEFAULT_PORTS, ...options.ports };

  // Fail fast and clearly on a busy fixed port; 0 becomes a concrete free port (the worker's
  // own URL must be known before it starts: PUBLIC_BASE_URL).
  const ports: StackPorts = {
    worker: await resolvePort('worker', wanted.worker, host),
    zendesk: await resolvePort('Zendesk fake', wanted.zendesk, host),
    telnyx: await resolvePort('Telnyx fake', wanted.telnyx, host),
    playground: await resolvePort('playground', wanted.playground, host),
  };

  if (options.buildApp === 'always' || (options.buildApp !== 'never' && appBuildIsStale())) await buildApp(log, output);

  if (options.fresh) {
    log(`Fresh start: deleting ${persistDir} and ${installationFile}`);
    rmSync(persistDir, { recursive: true, force: true });
    rmSync(installationFile, { force: true });
  }

  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };

  try {
    const wrangler = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    log('Applying D1 migrations to the local database…');
    await runChild(
      [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir],
      output,
      'migrate',
      'wrangler d1 migrations apply',
    );

    const fakes: Fakes = await startFakes({ host, zendeskPort: ports.zendesk, telnyxPort: ports.telnyx });
    cleanups.push(() => fakes.close());
    fakes.zendesk.seedAccount(LOCAL_DEV.subdomain, demoAccount());
    fakes.telnyx.seedAccount(TELNYX_DEMO.apiKey, demoTelnyxAccount());
    await telnyxControl(fakes.telnyxUrl).setConfig({ autoCallbacks: true, callbackDelayMs: options.callbackDelayMs ?? 1000 });

    const workerUrl = `http://${host}:${ports.worker}`;
    const vars: Record<string, string> = {
      ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
      TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
      // Telnyx calls back PUBLIC_BASE_URL/v1/webhooks/telnyx/<installation>?send=<id>.
      PUBLIC_BASE_URL: workerUrl,
      SECRETS_KEY: LOCAL_DEV.secretsKey,
      PROVISIONING_TOKEN: LOCAL_DEV.provisioningToken,
    };
    log(`Starting the worker (wrangler dev) on ${workerUrl}…`);
    const worker = startChild(
      [
        wrangler,
        'dev',
        '--local',
        '--ip',
        host,
        '--port',
        String(ports.worker),
        '--persist-to',
        persistDir,
        '--show-interactive-dev-session=false',
        ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ],
      output,
      'worker',
    );
    cleanups.push(() => stopChild(worker));
    await waitForHealth(workerUrl, worker, 120_000);

    const { installation, created } = await provision(workerUrl, fakes.telnyxUrl, installationFile);
    log(created ? `Provisioned installation ${installation.id}` : `Reusing installation ${installation.id} (${installationFile})`);

    const playground: PlaygroundServer = await startPlaygroundServer({
      host,
      port: ports.playground,
      workerUrl,
      zendeskUrl: fakes.zendeskUrl,
      telnyxUrl: fakes.telnyxUrl,
      subdomain: LOCAL_DEV.subdomain,
      installation,
      zendeskAccessToken: ZENDESK_DEMO.accessToken,
      telnyxApiKey: TELNYX_DEMO.apiKey,
    });
    cleanups.push(() => playground.close());

    return {
      workerUrl,
      playgroundUrl: playground.url,
      zendeskUrl: fakes.zendeskUrl,
      telnyxUrl: fakes.telnyxUrl,
      installation,
      provisioned: created,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
