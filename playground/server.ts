// The playground's HTTP server (Node): the host page (public/), the ZAF SDK from npm (the app
// pages the worker serves load it from here), and the JSON endpoints the host page uses: signed
// page loads (`POST /__playground/app-token`: the Zendesk fake signs the RS256 token Zendesk posts
// to the worker), the ZAF request proxy (zaf-proxy.ts) and the sandbox buttons (sandbox.ts), among
// them the phone's Reply and the open ticket's comments.
// Keys and tokens stay in this process and the fakes; the browser only ever holds a signed token.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zendeskControl } from '../test/fakes/control-client.ts';
import { createSandbox, FAILURES } from './sandbox.ts';
import { performZafRequest } from './zaf-proxy.ts';
import type { ZafRequestOptions } from './zaf-proxy.ts';
import { playgroundUsers, toZafTicket } from './zaf-data.ts';
import { buildZafSdkBundle, sdkVersion, ZAF_SDK_LOCAL_PATH } from './zaf-sdk.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');
const LOCATIONS = new Set(['nav_bar', 'ticket_sidebar']);

export interface PlaygroundServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  workerUrl: string;
  zendeskUrl: string;
  telnyxUrl: string;
  subdomain: string;
  /** ZAF's id of the app's installation in the account: the signed page loads name it. */
  appInstallationId: number;
  /** Stands in for the agent's Zendesk session on account-relative API calls. */
  zendeskAccessToken: string;
  telnyxApiKey: string;
}

export interface PlaygroundServer {
  url: string;
  close(): Promise<void>;
}

interface Manifest {
  name: string;
  version: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

const PUBLIC_FILES = new Set(['index.html', 'playground.js', 'zaf-host.js', 'playground.css']);

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), TYPES['.json']!);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const parsed = JSON.parse(text) as unknown;
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

export async function startPlaygroundServer(options: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as Manifest;
  const sdk = buildZafSdkBundle();
  const sandbox = createSandbox({
    zendeskUrl: options.zendeskUrl,
    telnyxUrl: options.telnyxUrl,
    subdomain: options.subdomain,
    workerUrl: options.workerUrl,
    telnyxApiKey: options.telnyxApiKey,
  });
  const zendesk = zendeskControl(options.zendeskUrl);
  const zendeskAccountUrl = `${options.zendeskUrl}/${options.subdomain}`;
  // The app has no installation settings: it finds the worker as the origin of its own page, and
  // the worker knows the account from Zendesk's signed page load. ZAF always sends the title.
  const settings = { title: manifest.name };

  const zendeskGet = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${zendeskAccountUrl}${path}`, { headers: { authorization: `Bearer ${options.zendeskAccessToken}` } });
    if (!res.ok) throw new Error(`Zendesk fake ${path} -> ${res.status}`);
    return (await res.json()) as T;
  };

  async function state() {
    const [account, roles, fields] = await Promise.all([
      sandbox.account(),
      zendeskGet<{ custom_roles: { id: number; name: string }[] }>('/api/v2/custom_roles.json'),
      zendeskGet<{ ticket_fields: { id: number; title: string }[] }>('/api/v2/ticket_fields.json'),
    ]);
    const roleNames = new Map(roles.custom_roles.map((r) => [r.id, r.name]));
    const phoneField = fields.ticket_fields.find((f) => f.title === 'phoneNumber');
    return {
      subdomain: options.subdomain,
      workerUrl: options.workerUrl,
      zafSdkVersion: sdkVersion(),
      app: {
        name: manifest.name,
        version: manifest.version,
        // ZAF's numeric ids of the app and of this installation of it (made up, stable).
        appId: 1,
        installationId: options.appInstallationId,
        settings,
      },
      users: playgroundUsers(account, roleNames),
      tickets: account.tickets.map((t) => toZafTicket(t, account)),
      phoneFieldId: phoneField ? phoneField.id : null,
      // Shown on the ticket card; ZAF's user objects carry no phone.
      phones: Object.fromEntries(account.users.map((u) => [String(u.id), u.phone])),
      failures: FAILURES,
      failNext: sandbox.failNextState(),
    };
  }

  /** What Zendesk posts as `token` when it loads a location for this user (RS256, signed by the fake). */
  async function appToken(body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const userId = Number(body.userId);
    const location = String(body.location ?? '');
    if (!Number.isInteger(userId) || !LOCATIONS.has(location)) {
      return { status: 400, body: { error: 'userId (number) and location (nav_bar | ticket_sidebar) are required' } };
    }
    const { token } = await zendesk.appToken({
      subdomain: options.subdomain,
      appInstallationId: options.appInstallationId,
      userId,
      location: location as 'nav_bar' | 'ticket_sidebar',
    });
    return { status: 200, body: { token } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://playground.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (method === 'GET' && (path === '/' || PUBLIC_FILES.has(path.slice(1)))) {
      const name = path === '/' ? 'index.html' : path.slice(1);
      send(res, 200, readFileSync(join(HERE, 'public', name)), TYPES[extname(name)] ?? 'application/octet-stream');
      return;
    }
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (method === 'GET' && path === ZAF_SDK_LOCAL_PATH) {
      send(res, 200, sdk, TYPES['.js']!);
      return;
    }
    if (method === 'GET' && path === '/__playground/state') return sendJson(res, 200, await state());
    if (method === 'POST' && path === '/__playground/app-token') {
      const answer = await appToken(await readJson(req));
      return sendJson(res, answer.status, answer.body);
    }
    if (method === 'POST' && path === '/__playground/zaf/request') {
      const body = await readJson(req);
      const answer = await performZafRequest(body.options as ZafRequestOptions, {
        zendeskAccountUrl,
        zendeskAccessToken: options.zendeskAccessToken,
      });
      return sendJson(res, 200, answer);
    }
    const ticketAction = /^\/__playground\/tickets\/(\d+)\/(solve|end-chat)$/.exec(path);
    if (method === 'POST' && ticketAction) {
      const ticketId = Number(ticketAction[1]);
      const result = ticketAction[2] === 'solve' ? await sandbox.solveTicket(ticketId) : await sandbox.endChat(ticketId);
      return sendJson(res, 200, result);
    }
    const comments = /^\/__playground\/tickets\/(\d+)\/comments$/.exec(path);
    if (method === 'GET' && comments) return sendJson(res, 200, { comments: await sandbox.comments(Number(comments[1])) });
    const reply = /^\/__playground\/outbox\/([^/]+)\/reply$/.exec(path);
    if (method === 'POST' && reply) {
      const body = await readJson(req);
      return sendJson(res, 200, await sandbox.reply(decodeURIComponent(reply[1] ?? ''), String(body.text ?? '')));
    }
    if (method === 'GET' && path === '/__playground/outbox') {
      return sendJson(res, 200, { messages: await sandbox.outbox(), failNext: sandbox.failNextState() });
    }
    if (path === '/__playground/fail-next') {
      if (method === 'POST') {
        const body = await readJson(req);
        return sendJson(res, 200, { failNext: await sandbox.armFailNext(String(body.errorCode ?? '')) });
      }
      if (method === 'DELETE') {
        await sandbox.cancelFailNext();
        return sendJson(res, 200, { failNext: null });
      }
    }
    sendJson(res, 404, { error: `No route for ${method} ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sandbox.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
