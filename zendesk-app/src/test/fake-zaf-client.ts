// A stand-in for the ZAF v2 client, faithful where the app depends on it. The app calls the
// worker with fetch (see fake-worker.ts); through this client it only reads ZAF data and calls
// the Zendesk API (groups, ticket fields):
// - registration: `app.registered` fires once, asynchronously, after creation; `metadata()` and
//   `context()` resolve once registered (immediately after);
// - `get(path | paths)` answers `{ [path]: value, errors: {} }`, with unknown paths under
//   `errors`; a single-path get of an unknown path rejects, as the SDK's processResponse does;
// - `request()` resolves with the parsed body for 2xx (undefined for 204) and rejects with a
//   jqXHR-like `{ status, statusText, responseText, responseJSON }` otherwise;
// - `on` / `off` / `trigger` keep handlers per event; `emit` fires one from the test's side.
// Every request and invocation is recorded for assertions.
import type { HttpMethod, ZafClient, ZafContext, ZafEventHandler, ZafGetResult, ZafMetadata, ZafRequestOptions } from '../zaf/types.ts';
import { STATUS_TEXT } from './fake-worker.ts';

export interface FakeRequest {
  method: HttpMethod;
  /** Path without the origin and without the query string: "/api/v2/groups.json". */
  path: string;
  query: string;
  body: unknown;
  options: ZafRequestOptions;
  /** Date.now() when the request was made. */
  at: number;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeZafClientOptions {
  /** Installation settings, as `metadata().settings` returns them (the app has none). */
  settings?: Record<string, string>;
  /** Values for `client.get()` by path, e.g. `{ 'ticket.id': 42 }`. */
  data?: Record<string, unknown>;
  context?: Partial<ZafContext>;
}


export class FakeZafClient implements ZafClient {
  readonly requests: FakeRequest[] = [];
  readonly invocations: Array<{ name: string; args: unknown[] }> = [];
  readonly triggered: Array<{ name: string; data: unknown }> = [];
  readonly data: Record<string, unknown>;
  private readonly handlers = new Map<string, ZafEventHandler[]>();
  private readonly routes: Array<{ method: HttpMethod; path: string | RegExp; handler: FakeHandler }> = [];
  private readonly metadataValue: ZafMetadata;
  private readonly contextValue: ZafContext;
  private registered = false;
  private readonly waiting: Array<() => void> = [];

  constructor(options: FakeZafClientOptions = {}) {
    this.data = {
      currentUser: { id: 1001, name: 'Ada Admin', role: 'admin', locale: 'en' },
      ...options.data,
    };
    this.metadataValue = {
      appId: 1,
      installationId: 77,
      name: 'Post-Interaction SMS',
      version: '1.0.0',
      settings: { ...options.settings },
    };
    this.contextValue = { product: 'support', location: 'nav_bar', account: { subdomain: 'acme' }, ...options.context };
    setTimeout(() => {
      this.registered = true;
      for (const resolve of this.waiting.splice(0)) resolve();
      this.emit('app.registered', { metadata: this.metadataValue, context: this.contextValue });
    }, 0);
  }

  /** Answers `method path` (exact path, or a RegExp on the path) from now on; later routes win. */
  route(method: HttpMethod, path: string | RegExp, handler: FakeHandler | FakeResponse): this {
    const fn: FakeHandler = typeof handler === 'function' ? handler : () => handler;
    this.routes.unshift({ method, path, handler: fn });
    return this;
  }

  requestsTo(method: HttpMethod, path: string | RegExp): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /** Fires an event as the framework would; returns what the handlers returned. */
  emit(name: string, data?: unknown): unknown[] {
    return (this.handlers.get(name) ?? []).slice().map((h) => h(data));
  }

  handlerCount(name: string): number {
    return this.handlers.get(name)?.length ?? 0;
  }

  private whenRegistered(): Promise<void> {
    if (this.registered) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async get(path: string | string[]): Promise<ZafGetResult> {
    await this.whenRegistered();
    const paths = Array.isArray(path) ? path : [path];
    const result: ZafGetResult = { errors: {} };
    for (const p of paths) {
      if (Object.hasOwn(this.data, p)) result[p] = this.data[p];
      else result.errors[p] = { name: 'InvalidPathError', message: `"${p}" Could not find handler for: "${p}"` };
    }
    if (typeof path === 'string' && result.errors[path]) {
      throw new Error(result.errors[path].message);
    }
    return result;
  }

  async request(input: ZafRequestOptions | string): Promise<unknown> {
    const options: ZafRequestOptions = typeof input === 'string' ? { url: input } : input;
    const method = options.type ?? 'GET';
    const url = new URL(options.url, 'https://acme.zendesk.com');
    const path = url.pathname;
    let body: unknown;
    if (options.data !== undefined) {
      try {
        body = JSON.parse(options.data) as unknown;
      } catch {
        body = options.data;
      }
    }
    const request: FakeRequest = { method, path, query: url.search, body, options, at: Date.now() };
    this.requests.push(request);
    const route = this.routes.find((r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
    const response: FakeResponse = route
      ? await route.handler(request)
      : { status: 404, body: { error: { code: 'not_found', message: `No fake route for ${method} ${path}` } } };
    if (response.status >= 200 && response.status < 300) {
      return response.status === 204 ? undefined : response.body;
    }
    const responseText = response.body === undefined ? '' : JSON.stringify(response.body);
    throw {
      status: response.status,
      statusText: STATUS_TEXT[response.status] ?? 'error',
      responseText,
      responseJSON: response.body,
    };
  }

  async invoke(name: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ name, args });
    return {};
  }

  on(name: string, handler: ZafEventHandler): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler);
    this.handlers.set(name, list);
  }

  off(name: string, handler: ZafEventHandler): void {
    const list = this.handlers.get(name);
    if (!list) return;
    const index = list.indexOf(handler);
    if (index >= 0) list.splice(index, 1);
  }

  trigger(name: string, data?: unknown): void {
    this.triggered.push({ name, data });
  }

  async context(): Promise<ZafContext> {
    await this.whenRegistered();
    return this.contextValue;
  }

  async metadata(): Promise<ZafMetadata> {
    await this.whenRegistered();
    return this.metadataValue;
  }
}

export function createFakeZafClient(options?: FakeZafClientOptions): FakeZafClient {
  return new FakeZafClient(options);
}
