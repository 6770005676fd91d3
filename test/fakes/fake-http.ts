// Shared plumbing for the vendor fakes: a node:http server, a request recorder, a fault injector
// and JSON helpers. No vendor knowledge lives here; each fake decides its own routes and bodies.
// Node only (node:http); never import this from code that runs inside workerd.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../shared/random/seeded-random.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One request as the fake received it (control requests are not recorded). */
export interface RecordedRequest {
  /** 1, 2, 3, ... in arrival order; `GET /__control/requests?since=<seq>` returns later ones. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/acme/api/v2/tickets/1.json`. */
  path: string;
  /** Query parameters; a repeated key keeps its last value. */
  query: Record<string, string>;
  /** All request headers, names lower-cased (authorization included on purpose). */
  headers: Record<string, string>;
  /** Parsed body: JSON value, form fields as an object, the raw text otherwise, null when empty. */
  body: unknown;
  rawBody: string;
  /** ISO-8601 arrival time. */
  time: string;
  /** Id of the fault that answered this request, if one did. */
  faultId?: string;
}

/** A fault to inject on matching requests (see FaultSpec for the wire shape). */
export interface FaultSpec {
  /** Only this method (case-insensitive); any method when absent. */
  method?: string;
  /** Regular expression (string) tested against the request path without query. */
  pathPattern: string;
  /** Status to answer. Absent: only `delayMs` applies, then the request is handled normally. */
  status?: number;
  /** How many matching requests it answers; default 1; -1 = until cleared. */
  times?: number;
  /** Response body: a string is sent as is, anything else as JSON. Absent: a vendor default. */
  body?: unknown;
  /** Response headers, e.g. `{ "Retry-After": "2" }`. */
  headers?: Record<string, string>;
  /** Wait this long before answering (or before handling normally when `status` is absent). */
  delayMs?: number;
  /** Destroy the socket without answering (connection reset as the client sees it). */
  dropConnection?: boolean;
  /** Telnyx only: handle the request normally first (the send is accepted), then answer the fault. */
  afterAccept?: boolean;
  /** Telnyx only: match only requests made with this API key. */
  apiKey?: string;
}

export interface Fault extends FaultSpec {
  id: string;
  times: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
  recorded: RecordedRequest | null;
  req: IncomingMessage;
  res: ServerResponse;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, body, headers };
}

export function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return null;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function readRawBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, response: FakeResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let payload = '';
  if (response.body !== undefined && response.status !== 204) {
    if (typeof response.body === 'string') {
      payload = response.body;
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(response.body);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    }
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records requests and hands out `since` cursors. */
export class RequestLog {
  #items: RecordedRequest[] = [];
  #seq = 0;

  add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded = { seq: ++this.#seq, ...entry };
    this.#items.push(recorded);
    return recorded;
  }

  list(since = 0, keep: (r: RecordedRequest) => boolean = () => true): RecordedRequest[] {
    return this.#items.filter((r) => r.seq > since && keep(r));
  }

  /** The cursor of the last request so far (pass it as `since` to see only later ones). */
  get last(): number {
    return this.#seq;
  }

  /** Forgets requests; the sequence keeps counting so old cursors stay meaningful. */
  clear(keep: (r: RecordedRequest) => boolean = () => false): void {
    this.#items = this.#items.filter(keep);
  }
}

export class FaultList {
  #faults: Fault[] = [];
  #next = 0;

  add(spec: FaultSpec): Fault {
    if (typeof spec.pathPattern !== 'string') throw new TypeError('pathPattern must be a regex string');
    new RegExp(spec.pathPattern); // throws on a bad pattern, before it is stored
    const fault: Fault = { ...spec, id: `fault_${++this.#next}`, times: spec.times ?? 1 };
    this.#faults.push(fault);
    return fault;
  }

  /** Takes (and uses up one time of) the first fault that matches. */
  take(method: string, path: string, apiKey?: string): Fault | undefined {
    const fault = this.#faults.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.apiKey === undefined || f.apiKey === apiKey) &&
        new RegExp(f.pathPattern).test(path),
    );
    if (!fault) return undefined;
    if (fault.times > 0) {
      fault.times -= 1;
      if (fault.times === 0) this.#faults = this.#faults.filter((f) => f !== fault);
    }
    return fault;
  }

  list(): Fault[] {
    return [...this.#faults];
  }

  clear(): void {
    this.#faults = [];
  }
}

/** Kinds of random faults (`PUT /__control/random-faults`). */
export const RANDOM_FAULT_KINDS = ['5xx', '429', 'timeout', 'drop', 'dropAfterAccept'] as const;
export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

/**
 * Faults drawn at random for a soak (soak/): a seeded generator decides for each matching request
 * whether it fails (`rate`) and how (`kinds`, weights). The same seed and the same sequence of
 * requests give the same faults; with concurrent callers the sequence itself varies, so counts
 * are what a run reports (`GET /__control/random-faults`). An `outage` answers every matching
 * request with `status` until its end, on top of the random ones.
 *  - `5xx`: 500 or 503 without Retry-After (the worker backs off by itself)
 *  - `429`: 429 with `Retry-After: retryAfterS`
 *  - `timeout`: the answer comes `timeoutDelayMs` late (set it above the caller's timeout); the
 *    request is then handled normally, so a send may be accepted although the caller gave up
 *  - `drop`: the connection is reset before the request is handled (nothing happened)
 *  - `dropAfterAccept`: handled (a send is accepted), then the connection is reset
 */
export interface RandomFaultConfig {
  seed: number;
  /** Probability (0..1) that a matching request gets a fault. */
  rate: number;
  /** Relative weights; kinds left out never happen. Default: all kinds, weight 1. */
  kinds?: Partial<Record<RandomFaultKind, number>>;
  /** Regex tested against the path (default: every vendor path). */
  pathPattern?: string;
  method?: string;
  /** Retry-After of `429` (seconds, default 1). */
  retryAfterS?: number;
  /** Delay of `timeout` (ms, default 11000: past a 10 s client timeout). */
  timeoutDelayMs?: number;
  /** An outage: every matching request answers `status` (default 503) for `durationMs` from now. */
  outage?: { durationMs: number; status?: number; retryAfterS?: number };
}

export interface RandomFaultCounts {
  /** Matching requests seen while a configuration was set. */
  considered: number;
  injected: Partial<Record<RandomFaultKind | 'outage', number>>;
}

export class RandomFaults {
  #config: RandomFaultConfig | null = null;
  #random: () => number = () => 1;
  #outageUntil = 0;
  #counts: RandomFaultCounts = { considered: 0, injected: {} };
  #next = 0;

  configure(config: RandomFaultConfig): void {
    if (typeof config.seed !== 'number' || typeof config.rate !== 'number' || config.rate < 0 || config.rate > 1) {
      throw new TypeError('seed (number) and rate (0..1) are required');
    }
    for (const kind of Object.keys(config.kinds ?? {})) {
      if (!(RANDOM_FAULT_KINDS as readonly string[]).includes(kind)) throw new TypeError(`unknown kind ${kind}`);
    }
    if (config.pathPattern !== undefined) new RegExp(config.pathPattern);
    this.#config = config;
    this.#random = seededRandom(config.seed);
    this.#outageUntil = config.outage ? Date.now() + config.outage.durationMs : 0;
  }

  /** Stops injecting; the counts stay until `resetCounts`. */
  clear(): void {
    this.#config = null;
    this.#outageUntil = 0;
  }

  resetCounts(): void {
    this.#counts = { considered: 0, injected: {} };
  }

  get counts(): RandomFaultCounts {
    return structuredClone(this.#counts);
  }

  get config(): RandomFaultConfig | null {
    return this.#config;
  }

  /** A one-time fault for this request, or undefined. */
  take(method: string, path: string): Fault | undefined {
    const c = this.#config;
    if (!c) return undefined;
    if (c.method !== undefined && c.method.toUpperCase() !== method) return undefined;
    if (c.pathPattern !== undefined && !new RegExp(c.pathPattern).test(path)) return undefined;
    this.#counts.considered += 1;
    const id = `random_${++this.#next}`;
    if (c.outage && Date.now() < this.#outageUntil) {
      this.#count('outage');
      const status = c.outage.status ?? 503;
      const retry = c.outage.retryAfterS;
      return { id, pathPattern: '', times: 1, status, headers: retry ? { 'Retry-After': String(retry) } : {} };
    }
    if (this.#random() >= c.rate) return undefined;
    const kind = this.#pick(c.kinds);
    this.#count(kind);
    switch (kind) {
      case '5xx':
        return { id, pathPattern: '', times: 1, status: this.#random() < 0.5 ? 500 : 503, headers: {} };
      case '429':
        return { id, pathPattern: '', times: 1, status: 429, headers: { 'Retry-After': String(c.retryAfterS ?? 1) } };
      case 'timeout':
        return { id, pathPattern: '', times: 1, delayMs: c.timeoutDelayMs ?? 11_000 };
      case 'drop':
        return { id, pathPattern: '', times: 1, dropConnection: true };
      case 'dropAfterAccept':
        return { id, pathPattern: '', times: 1, dropConnection: true, afterAccept: true };
    }
  }

  #count(kind: RandomFaultKind | 'outage'): void {
    this.#counts.injected[kind] = (this.#counts.injected[kind] ?? 0) + 1;
  }

  #pick(weights: RandomFaultConfig['kinds']): RandomFaultKind {
    const entries = RANDOM_FAULT_KINDS.map((k) => [k, weights ? (weights[k] ?? 0) : 1] as const).filter(([, w]) => w > 0);
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.#random() * total;
    for (const [kind, weight] of entries) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return entries.at(-1)?.[0] ?? '5xx';
  }
}

export interface StartedServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a server whose handler gets a parsed request. A handler that returns `undefined` has
 * answered (or dropped) the request itself.
 */
export async function startHttpServer(
  handler: (request: FakeRequest) => Promise<FakeResponse | undefined>,
  options: { port?: number; host?: string } = {},
): Promise<StartedServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://fake.invalid');
        const rawBody = await readRawBody(req);
        const request: FakeRequest = {
          method: (req.method ?? 'GET').toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          rawBody,
          body: parseBody(rawBody, req.headers['content-type']),
          recorded: null,
          req,
          res,
        };
        const response = await handler(request);
        if (response) send(res, response);
      } catch (error) {
        send(res, json(500, { error: 'FakeServerError', description: String(error) }));
      }
    })();
  });
  // Idle keep-alive connections stay open for a minute, like real API front ends: a server that
  // drops them after 1 s races workerd reusing them, and a POST on a connection closed under it
  // is reported as "Network connection lost." (an SMS recorded as outcome unknown). close()
  // ends them explicitly.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function headerRecord(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function recordRequest(log: RequestLog, request: FakeRequest): RecordedRequest {
  const recorded = log.add({
    method: request.method,
    path: request.path,
    query: Object.fromEntries(request.query),
    headers: headerRecord(request.headers),
    body: request.body,
    rawBody: request.rawBody,
    time: new Date().toISOString(),
  });
  request.recorded = recorded;
  return recorded;
}

/**
 * Applies a fault that has already been taken: waits, drops, or answers. Returns `handled: false`
 * when the request should go on to the normal handler (delay-only fault, or `afterAccept`).
 */
export async function applyFault(
  fault: Fault,
  request: FakeRequest,
  defaultBody: (status: number) => unknown,
): Promise<{ handled: boolean; response?: FakeResponse }> {
  if (request.recorded) request.recorded.faultId = fault.id;
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.afterAccept) return { handled: false };
  if (fault.dropConnection) {
    request.req.socket.destroy();
    return { handled: true };
  }
  if (fault.status === undefined) return { handled: false };
  return { handled: true, response: faultResponse(fault, defaultBody) };
}

export function faultResponse(fault: Fault, defaultBody: (status: number) => unknown): FakeResponse {
  const status = fault.status ?? 500;
  const headers = fault.headers ?? (status === 429 ? { 'Retry-After': '1' } : {});
  return { status, body: fault.body !== undefined ? fault.body : defaultBody(status), headers };
}

/** Validates the JSON body of `POST /__control/faults`. */
export function readFaultSpec(body: unknown): FaultSpec {
  if (!body || typeof body !== 'object') throw new TypeError('fault body must be an object');
  const spec = body as FaultSpec;
  if (typeof spec.pathPattern !== 'string') throw new TypeError('pathPattern (regex string) is required');
  if (spec.status === undefined && !spec.dropConnection && !spec.delayMs) {
    throw new TypeError('a fault needs status, dropConnection or delayMs');
  }
  return spec;
}

/** POSTs a JSON (or raw string) body; never throws: network errors come back as status 0. */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string; error?: string }> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: '', error: String(error) };
  }
}

export function bearerToken(headers: IncomingMessage['headers']): string | undefined {
  const value = headers.authorization;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1]?.trim();
}

/**
 * The control routes both fakes share: `GET /__control/requests` (filtered by `since`, `method`,
 * `pathPattern` and the fake's own account filter) and `/__control/faults`. Null for other paths.
 */
export function answerSharedControl(
  request: FakeRequest,
  path: string,
  state: { requests: RequestLog; faults: FaultList; randomFaults?: RandomFaults },
  belongsToAccount: (recorded: RecordedRequest, query: URLSearchParams) => boolean,
): FakeResponse | null {
  const method = request.method;
  if (path === '/requests' && method === 'GET') {
    const since = Number(request.query.get('since') ?? 0) || 0;
    const wantMethod = request.query.get('method')?.toUpperCase();
    const pattern = request.query.get('pathPattern');
    const regex = pattern ? new RegExp(pattern) : null;
    const requests = state.requests.list(
      since,
      (r: RecordedRequest) =>
        belongsToAccount(r, request.query) && (!wantMethod || r.method === wantMethod) && (!regex || regex.test(r.path)),
    );
    return json(200, { requests, last: state.requests.last });
  }
  if (path === '/random-faults' && state.randomFaults) {
    const random = state.randomFaults;
    if (method === 'PUT') {
      random.configure(request.body as RandomFaultConfig);
      return json(200, { config: random.config, ...random.counts });
    }
    if (method === 'GET') return json(200, { config: random.config, ...random.counts });
    if (method === 'DELETE') {
      random.clear();
      if (request.query.get('counts') === 'reset') random.resetCounts();
      return json(200, { config: null, ...random.counts });
    }
  }
  if (path === '/faults') {
    if (method === 'POST') return json(201, { fault: state.faults.add(readFaultSpec(request.body)) });
    if (method === 'GET') return json(200, { faults: state.faults.list() });
    if (method === 'DELETE') {
      state.faults.clear();
      return json(200, { ok: true });
    }
  }
  return null;
}
