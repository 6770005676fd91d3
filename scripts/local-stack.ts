// The whole product on one machine, reusable: the Zendesk and Telnyx fakes (demo data, SMS
// sandbox with signed delivery callbacks), the worker on workerd (`wrangler dev`, local D1 with
// migrations applied, local Queues, the app's pages as static assets), and the playground
// (playground/server.ts). Used by `npm start` (scripts/start.ts), the browser tests (test/e2e/)
// and the benches; each caller picks its ports and state folder, so they can run at once.
//
// Nothing is provisioned behind the app's back: the demo account starts NOT connected, and an
// admin connects it in the app (docs/identity-and-install.md). Callers that want a ready
// installation ask for `install: 'connect-as-admin'`, which drives the same HTTP flow a person
// does in the browser (a signed page load, Connect, the consent form, the callback, Setup).
// Node >= 22 (type stripping); wrangler is started with Node 22 as well (it refuses older ones).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Me, SessionGrant } from '../shared/schemas/api.ts';
import { startPlaygroundServer } from '../playground/server.ts';
import type { PlaygroundServer } from '../playground/server.ts';
import { ZAF_SDK_LOCAL_PATH } from '../playground/zaf-sdk.ts';
import { telnyxControl, zendeskControl } from '../test/fakes/control-client.ts';
import { demoAccount, demoTelnyxAccount, startFakes, TELNYX_DEMO, ZENDESK_DEMO } from '../test/fakes/index.ts';
import type { Fakes, ZafLocation } from '../test/fakes/index.ts';
import { type Child, stopChild } from './child-process.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Local-only values, fixed so restarts can read the same encrypted D1 rows and sessions. Not
 * secrets: nothing outside this machine trusts them.
 */
export const LOCAL_DEV = {
  subdomain: 'demo',
  /** ZAF's id of the app's installation in the demo account; the worker binds the installation to it. */
  appInstallationId: 1,
  provisioningToken: 'local-provisioning-token-0123456789',
  /** base64 of the 32 bytes "local-playground-secrets-key-32b" (AES-GCM key for stored credentials). */
  secretsKey: Buffer.from('local-playground-secrets-key-32b').toString('base64'),
  /** Signs the worker's own sessions (SESSION_SECRET). */
  sessionSecret: 'local-playground-session-secret-0123456789abcdef',
  /** The product's global OAuth client (ZENDESK_OAUTH_CLIENT_ID / _SECRET), registered with the Zendesk fake. */
  oauthClient: {
    clientId: 'post_interaction_sms_local',
    clientSecret: 'local-oauth-client-secret-0123456789abcdef',
    name: 'Post-Interaction SMS',
  },
  marketplace: { name: 'Post-Interaction SMS', organizationId: '0', appId: '0' },
  /** Who connects the demo account (Ada Admin) for `install: 'connect-as-admin'`. */
  adminUserId: ZENDESK_DEMO.users.admin as number,
  /** Who counts as supervisor in the ready installation (a custom role of the demo account). */
  supervisorRoleNames: ['Supervisor'],
} as const;

export interface StackPorts {
  worker: number;
  zendesk: number;
  telnyx: number;
  playground: number;
}

export const DEFAULT_PORTS: StackPorts = { worker: 8787, zendesk: 8788, telnyx: 8789, playground: 8790 };

/**
 * The demo installation at start:
 *  - `none`: as a new account has it. The admin connects in the app (Connect Zendesk, Setup).
 *  - `connect-as-admin`: ready to use, through the same HTTP flow as in the browser: Ada Admin's
 *    signed page load, POST /v1/connect/zendesk, the consent form (Allow), the callback, then
 *    PUT /v1/settings/telnyx/sandbox, PATCH /v1/settings (supervisor role "Supervisor",
 *    summaries on) and POST /v1/setup/zendesk (webhook and triggers in the Zendesk fake).
 * Either way, an installation an earlier run left in the local D1 is connected again (below).
 */
export type InstallMode = 'none' | 'connect-as-admin';

export interface LocalStackOptions {
  /** Per service; 0 = a free port picked at start. Defaults: DEFAULT_PORTS. */
  ports?: Partial<StackPorts>;
  host?: string;
  /** Local D1 / Queues state for wrangler (default .wrangler/state, as `npm run db:migrate:local`). */
  persistDir?: string;
  /** Deletes the state folder first. */
  fresh?: boolean;
  /** Default `none`. */
  install?: InstallMode;
  /** Build zendesk-app/dist when missing or older than its sources (default), always, or never. */
  buildApp?: 'if-stale' | 'always' | 'never';
  /** wrangler's own output: printed with a prefix (default), dropped, or appended to a file. */
  workerOutput?: 'inherit' | 'ignore' | { file: string };
  /** Delay of the sandbox's delivery callbacks (ms, default 1000). */
  callbackDelayMs?: number;
  /** Progress lines (default console.log). */
  log?: (line: string) => void;
  /** More `--var`s for the worker (e.g. the soak's TELNYX_TIMEOUT_MS); they win over the stack's own. */
  workerVars?: Record<string, string>;
  /** `wrangler dev --test-scheduled`: GET {workerUrl}/__scheduled?cron=... runs the Cron Trigger. */
  testScheduled?: boolean;
}

export interface LocalInstallation {
  id: string;
  subdomain: string;
  /**
   * The signing secret of the Zendesk webhook Setup created (the Zendesk fake keeps it; the worker
   * stored its own copy), or null when Setup has not created one.
   */
  webhookSigningSecret: string | null;
}

export interface LocalStack {
  workerUrl: string;
  playgroundUrl: string;
  zendeskUrl: string;
  telnyxUrl: string;
  subdomain: string;
  appInstallationId: number;
  /** The demo installation, when it is connected after this start; null while it is not. */
  installation: LocalInstallation | null;
  /**
   * What this start did with it: `connected` (install `connect-as-admin`), `reconnected` (an earlier
   * run's installation, connected again to the new in-memory Zendesk fake), `not-connected`.
   */
  installState: 'connected' | 'reconnected' | 'not-connected';
  /**
   * Ends the worker (wrangler dev and its workerd) while the fakes and playground keep running:
   * `kill` is SIGKILL to the whole process group at once (a crash: nothing is flushed), else
   * SIGTERM as stop() does. Local D1 stays in the state folder.
   */
  stopWorker(how: 'kill' | 'graceful'): Promise<void>;
  /** Starts the worker again on the same port and state folder; `vars` replace the extra vars. */
  startWorker(vars?: Record<string, string>): Promise<void>;
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

// --- the worker, as the app and Zendesk talk to it ---------------------------------------------

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

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The SessionGrant of a served location page (`<meta name="pisms-session" content="{json}">`), or null. */
export function sessionGrantFromPage(html: string): SessionGrant | null {
  const match = /<meta\s+name="pisms-session"\s+content="([^"]*)"/.exec(html);
  if (!match?.[1]) return null;
  try {
    return JSON.parse(unescapeHtml(match[1])) as SessionGrant;
  } catch {
    return null;
  }
}

export interface AppLoad {
  workerUrl: string;
  zendeskUrl: string;
  subdomain: string;
  appInstallationId: number;
  userId: number;
  location: ZafLocation;
}

/**
 * Loads an app location as Zendesk does: the Zendesk fake signs the RS256 token for the user, and
 * the page is POSTed with form field `token` to {worker}/app/{location}. Returns the session the
 * worker put into the page. Throws with the worker's answer when it served no session.
 */
export async function loadAppSession(load: AppLoad): Promise<SessionGrant> {
  const { token } = await zendeskControl(load.zendeskUrl).appToken({
    subdomain: load.subdomain,
    appInstallationId: load.appInstallationId,
    userId: load.userId,
    location: load.location,
  });
  const query = new URLSearchParams({ origin: 'http://zendesk.invalid', app_guid: crypto.randomUUID() });
  const res = await fetch(`${load.workerUrl}/app/${load.location}?${query}`, {
    method: 'POST',
    body: new URLSearchParams({ token }),
  });
  const html = await res.text();
  const grant = res.ok ? sessionGrantFromPage(html) : null;
  if (!grant) throw new Error(`Loading the ${load.location} page as user ${load.userId} answered ${res.status}: ${html.slice(0, 300)}`);
  return grant;
}

/** A JSON call to the worker's /v1 API with a session; throws on a non-2xx answer. */
export async function workerCall<T>(workerUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${workerUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/**
 * Presses Connect Zendesk as the admin and approves on the consent page, as a person does in the
 * browser: POST /v1/connect/zendesk, GET the consent page, POST its form (signed in as the admin,
 * Allow), follow the redirect to the worker's callback. Returns a page load's session made after
 * it (naming the installation).
 */
async function connectZendesk(load: AppLoad): Promise<SessionGrant> {
  const before = await loadAppSession(load);
  const { authorizeUrl } = await workerCall<{ authorizeUrl: string }>(load.workerUrl, before.token, 'POST', '/v1/connect/zendesk');
  const consent = new URL(authorizeUrl);
  const page = await fetch(consent);
  if (!page.ok) throw new Error(`Zendesk's consent page answered ${page.status}: ${(await page.text()).slice(0, 300)}`);
  await page.arrayBuffer();
  const form = new URLSearchParams(consent.searchParams);
  form.set('user_id', String(load.userId));
  form.set('decision', 'allow');
  const allowed = await fetch(`${consent.origin}${consent.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  const callback = allowed.headers.get('location');
  await allowed.arrayBuffer();
  if (allowed.status !== 302 || !callback) throw new Error(`Allowing on the consent page answered ${allowed.status}, not a redirect`);
  const done = await fetch(callback);
  const text = await done.text();
  if (!done.ok) throw new Error(`The worker's OAuth callback answered ${done.status}: ${text.slice(0, 300)}`);
  return loadAppSession(load);
}

/** The installation's webhook signing secret, as the Zendesk fake holds it for the webhook Setup made. */
async function webhookSecretFor(zendeskUrl: string, subdomain: string, installationId: string): Promise<string | null> {
  const account = await zendeskControl(zendeskUrl).account(subdomain);
  const ours = account.webhooks.filter((w) => w.endpoint.endsWith(`/v1/webhooks/zendesk/${installationId}`));
  return ours.at(-1)?.signing_secret ?? null;
}

interface SettingsView {
  connection: { telnyx: { messagingProfileId: string | null }; webhookSigningSecretSet: boolean };
}

/**
 * The demo installation after the worker is up. `connect-as-admin` connects and sets it up. An
 * installation an earlier run left in the local D1 is connected again either way: the Zendesk
 * fake lives in memory, so its OAuth tokens, webhook and triggers are gone, and the Telnyx fake
 * has a new signing key; the stack re-does Connect (which re-binds the installation), the SMS
 * sandbox and Setup's webhook, so rules and history carry over.
 */
async function prepareInstallation(
  load: AppLoad,
  install: InstallMode,
  log: (line: string) => void,
): Promise<{ installation: LocalInstallation | null; state: LocalStack['installState'] }> {
  let me: Me | null = null;
  try {
    // A first load may hit the stale token (the worker then marks the installation
    // "reconnect needed" and answers an error); the next one is served.
    const grant = await loadAppSession(load).catch(() => loadAppSession(load));
    me = await workerCall<Me>(load.workerUrl, grant.token, 'GET', '/v1/me').catch(() => null);
  } catch {
    me = null;
  }
  const existing = me === null || me.connection !== 'not_connected';
  if (!existing && install === 'none') return { installation: null, state: 'not-connected' };

  let view: SettingsView | null = null;
  if (existing) {
    // What the earlier run had set up is in D1; read it once connected again.
    log('Connecting the demo installation from the local database to the new Zendesk fake again…');
  } else {
    log('Connecting the demo account as Ada Admin (Connect Zendesk, consent, callback)…');
  }
  const grant = await connectZendesk(load);
  const call = <T>(method: string, path: string, body?: unknown) => workerCall<T>(load.workerUrl, grant.token, method, path, body);
  const after = await call<Me>('GET', '/v1/me');
  if (after.connection !== 'connected' || !after.installationId) {
    throw new Error(`After Connect, /v1/me says ${JSON.stringify(after)}`);
  }
  if (existing) view = await call<SettingsView>('GET', '/v1/settings');

  const ready = install === 'connect-as-admin';
  if (ready || view?.connection.telnyx.messagingProfileId) await call('PUT', '/v1/settings/telnyx/sandbox');
  if (ready) await call('PATCH', '/v1/settings', { supervisorRoleNames: [...LOCAL_DEV.supervisorRoleNames], summariesEnabled: true });
  if (ready || view?.connection.webhookSigningSecretSet) await call('POST', '/v1/setup/zendesk');

  const installation: LocalInstallation = {
    id: after.installationId,
    subdomain: load.subdomain,
    webhookSigningSecret: await webhookSecretFor(load.zendeskUrl, load.subdomain, after.installationId),
  };
  return { installation, state: existing ? 'reconnected' : 'connected' };
}

// --- the stack --------------------------------------------------------------------------------

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const output = options.workerOutput ?? 'inherit';
  const persistDir = options.persistDir ?? join(ROOT, '.wrangler', 'state');
  const wanted = { ...DEFAULT_PORTS, ...options.ports };

  // Fail fast and clearly on a busy fixed port; 0 becomes a concrete free port (the worker's
  // own URL and the playground's must be known before the worker starts: PUBLIC_BASE_URL,
  // ZAF_SDK_URL, APP_FRAME_ANCESTORS).
  const ports: StackPorts = {
    worker: await resolvePort('worker', wanted.worker, host),
    zendesk: await resolvePort('Zendesk fake', wanted.zendesk, host),
    telnyx: await resolvePort('Telnyx fake', wanted.telnyx, host),
    playground: await resolvePort('playground', wanted.playground, host),
  };

  // The worker serves the app's pages from zendesk-app/dist/assets (wrangler.toml [assets]).
  if (options.buildApp === 'always' || (options.buildApp !== 'never' && appBuildIsStale())) await buildApp(log, output);

  if (options.fresh) {
    log(`Fresh start: deleting ${persistDir}`);
    rmSync(persistDir, { recursive: true, force: true });
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
    const zendesk = zendeskControl(fakes.zendeskUrl);
    const telnyx = telnyxControl(fakes.telnyxUrl);
    await telnyx.setConfig({ autoCallbacks: true, callbackDelayMs: options.callbackDelayMs ?? 1000 });

    const workerUrl = `http://${host}:${ports.worker}`;
    const playgroundUrl = `http://${host}:${ports.playground}`;
    // The product's global OAuth client, as Zendesk would have it registered.
    await zendesk.setOAuthClients([{ ...LOCAL_DEV.oauthClient, redirectUris: [`${workerUrl}/oauth/zendesk/callback`] }]);
    // Both fakes make new keys at every start; the worker reads these vars when it starts.
    const [{ publicKeyPem }, telnyxPublicKey] = await Promise.all([zendesk.appKey(), telnyx.publicKey()]);
    const vars: Record<string, string> = {
      ZENDESK_BASE_URL_TEMPLATE: `${fakes.zendeskUrl}/{subdomain}`,
      TELNYX_BASE_URL: `${fakes.telnyxUrl}/v2`,
      // Telnyx calls back PUBLIC_BASE_URL/v1/webhooks/telnyx/<installation>?send=<id>; Zendesk's
      // consent redirects to PUBLIC_BASE_URL/oauth/zendesk/callback.
      PUBLIC_BASE_URL: workerUrl,
      SECRETS_KEY: LOCAL_DEV.secretsKey,
      PROVISIONING_TOKEN: LOCAL_DEV.provisioningToken,
      // Verifies the page loads the Zendesk fake signs (RS256).
      ZENDESK_APP_PUBLIC_KEY: publicKeyPem,
      SESSION_SECRET: LOCAL_DEV.sessionSecret,
      ZENDESK_OAUTH_CLIENT_ID: LOCAL_DEV.oauthClient.clientId,
      ZENDESK_OAUTH_CLIENT_SECRET: LOCAL_DEV.oauthClient.clientSecret,
      MARKETPLACE_NAME: LOCAL_DEV.marketplace.name,
      MARKETPLACE_ORGANIZATION_ID: LOCAL_DEV.marketplace.organizationId,
      MARKETPLACE_APP_ID: LOCAL_DEV.marketplace.appId,
      // Setup's "Use the SMS sandbox": the Telnyx fake's demo account, nothing to paste.
      SANDBOX_TELNYX_API_KEY: TELNYX_DEMO.apiKey,
      SANDBOX_TELNYX_PUBLIC_KEY: telnyxPublicKey,
      // The pages load the ZAF SDK from the playground (Zendesk's CDN is not reachable here), and
      // only the playground may frame them.
      ZAF_SDK_URL: `${playgroundUrl}${ZAF_SDK_LOCAL_PATH}`,
      APP_FRAME_ANCESTORS: frameAncestors(host, ports.playground),
    };
    let worker: Child | null = null;
    const launchWorker = async (extraVars: Record<string, string>) => {
      log(`Starting the worker (wrangler dev) on ${workerUrl}…`);
      const child = startChild(
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
          ...(options.testScheduled ? ['--test-scheduled'] : []),
          ...Object.entries({ ...vars, ...extraVars }).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
        ],
        output,
        'worker',
      );
      worker = child;
      await waitForHealth(workerUrl, child, 120_000);
    };
    const stopWorker = async (how: 'kill' | 'graceful') => {
      const child = worker;
      worker = null;
      if (!child) return;
      const pid = child.process.pid;
      if (how === 'kill' && pid !== undefined && child.process.exitCode === null) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
        await child.exited;
      }
      await stopChild(child);
    };
    cleanups.push(() => stopWorker('graceful'));
    await launchWorker(options.workerVars ?? {});

    const { installation, state } = await prepareInstallation(
      {
        workerUrl,
        zendeskUrl: fakes.zendeskUrl,
        subdomain: LOCAL_DEV.subdomain,
        appInstallationId: LOCAL_DEV.appInstallationId,
        userId: LOCAL_DEV.adminUserId,
        location: 'nav_bar',
      },
      options.install ?? 'none',
      log,
    );
    if (installation) log(`Installation ${installation.id} is connected (${state}).`);
    else log(`The demo account "${LOCAL_DEV.subdomain}" is not connected yet: an admin connects it in the app.`);

    const playground: PlaygroundServer = await startPlaygroundServer({
      host,
      port: ports.playground,
      workerUrl,
      zendeskUrl: fakes.zendeskUrl,
      telnyxUrl: fakes.telnyxUrl,
      subdomain: LOCAL_DEV.subdomain,
      appInstallationId: LOCAL_DEV.appInstallationId,
      zendeskAccessToken: ZENDESK_DEMO.accessToken,
      telnyxApiKey: TELNYX_DEMO.apiKey,
    });
    cleanups.push(() => playground.close());

    return {
      workerUrl,
      playgroundUrl: playground.url,
      zendeskUrl: fakes.zendeskUrl,
      telnyxUrl: fakes.telnyxUrl,
      subdomain: LOCAL_DEV.subdomain,
      appInstallationId: LOCAL_DEV.appInstallationId,
      installation,
      installState: state,
      stopWorker,
      startWorker: async (extraVars) => {
        await stopWorker('graceful');
        await launchWorker(extraVars ?? options.workerVars ?? {});
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** CSP frame-ancestors for the app pages: the playground, under both loopback names when on 127.0.0.1. */
function frameAncestors(host: string, port: number): string {
  const hosts = host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : [host];
  return hosts.map((h) => `http://${h}:${port}`).join(' ');
}
