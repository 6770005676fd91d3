// Zendesk's side of `client.request()` for the playground: what Zendesk's proxy does with a ZAF
// request before it reaches a server. Runs in the playground server (Node), so secure settings
// (the shared secret) never reach the browser, neither the app iframe nor the host page.
//  - `secure: true`: `{{setting.NAME}}` placeholders (secure settings included) are replaced in the
//    url, headers, data and jwt options, but only for hosts in the manifest's domainWhitelist
//    (Zendesk refuses secure requests to other hosts); with `jwt`, an HS256 token is signed with
//    the substituted secret_key over the claims plus iat / exp (now + expiry) and replaces
//    `{{jwt.token}}` in the headers.
//  - Account-relative URLs (`/api/v2/groups.json`) go to the Zendesk fake's account with the demo
//    OAuth token, standing in for the signed-in agent's session (every user acts as the token's
//    user, the demo admin, for those calls).
// The answer is returned as status + body text; the host page turns it into the jqXHR-like
// arguments ZAF hands the app (playground/public/zaf-host.js).
import { createHmac } from 'node:crypto';

/** `client.request()` options as the app sends them (ZAF docs "Making API requests"). */
export interface ZafRequestOptions {
  url: string;
  type?: string;
  contentType?: string | false;
  data?: unknown;
  dataType?: string;
  headers?: Record<string, string>;
  secure?: boolean;
  cors?: boolean;
  jwt?: { algorithm?: string; secret_key?: string; expiry?: number; claims?: Record<string, unknown> };
  timeout?: number;
}

export interface ZafProxyConfig {
  /** Every installation setting, secure ones included. */
  settings: Record<string, string>;
  /** Hosts (`host:port`) that secure requests may reach: the manifest's domainWhitelist. */
  domainWhitelist: string[];
  /** Base of account-relative URLs, e.g. http://127.0.0.1:8788/demo */
  zendeskAccountUrl: string;
  /** Authenticates account-relative requests, as the agent's session cookie would. */
  zendeskAccessToken: string;
  /** Clock in ms (tests). */
  now?: () => number;
}

export interface ProxiedResponse {
  /** 0 when no answer came (network error, timeout). */
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/** Used when `jwt.expiry` is absent (seconds). */
const DEFAULT_JWT_EXPIRY_S = 3600;
const DEFAULT_TIMEOUT_MS = 30_000;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An HS256 JWT (RFC 7519) over `claims` plus iat / exp. */
export function signJwtHs256(secret: string, claims: Record<string, unknown>, options: { expiresInS: number; nowMs?: number }): string {
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ ...claims, iat, exp: iat + options.expiresInS }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Replaces `{{setting.NAME}}`; unknown names are left as they are. */
export function substituteSettings(text: string, settings: Record<string, string>): string {
  return text.replace(/\{\{\s*setting\.([\w-]+)\s*\}\}/g, (all, name: string) => settings[name] ?? all);
}

function substituteDeep(value: unknown, settings: Record<string, string>): unknown {
  if (typeof value === 'string') return substituteSettings(value, settings);
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, settings));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, settings)]));
  }
  return value;
}

function failure(status: number, statusText: string, message: string): ProxiedResponse {
  return { status, statusText, headers: { 'content-type': 'text/plain' }, body: message };
}

/** Form-encodes object data the way jQuery.param does for flat objects. */
function formEncode(data: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    if (Array.isArray(value)) for (const item of value) params.append(`${key}[]`, String(item));
    else if (value !== undefined && value !== null) params.append(key, String(value));
  }
  return params.toString();
}

/** Performs one ZAF request as Zendesk's proxy would and returns the raw answer. */
export async function performZafRequest(input: ZafRequestOptions, config: ZafProxyConfig): Promise<ProxiedResponse> {
  if (typeof input.url !== 'string' || input.url === '') return failure(400, 'Bad Request', 'request() needs a url');
  const method = (input.type ?? 'GET').toUpperCase();
  const isRelative = input.url.startsWith('/') && !input.url.startsWith('//');
  // The fake serves accounts under /{subdomain}, so its next_page links, made relative by the
  // app, carry that prefix; Zendesk's own links would not.
  const accountPath = new URL(config.zendeskAccountUrl).pathname.replace(/\/$/, '');
  const relativeUrl = accountPath && input.url.startsWith(`${accountPath}/api/`) ? input.url.slice(accountPath.length) : input.url;
  let options = input;
  let target: URL;
  try {
    target = isRelative ? new URL(config.zendeskAccountUrl + relativeUrl) : new URL(input.url);
  } catch {
    return failure(400, 'Bad Request', `Invalid url ${input.url}`);
  }

  if (options.secure === true && !isRelative) {
    if (!config.domainWhitelist.includes(target.host)) {
      return failure(403, 'Forbidden', `Secure requests are only made to the manifest's domainWhitelist; ${target.host} is not in it`);
    }
    options = substituteDeep(options, config.settings) as ZafRequestOptions;
    target = new URL(options.url);
  }

  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.secure === true && options.jwt) {
    const secret = options.jwt.secret_key ?? '';
    if ((options.jwt.algorithm ?? 'HS256') !== 'HS256' || secret === '' || secret.includes('{{')) {
      return failure(400, 'Bad Request', 'jwt needs algorithm HS256 and a secret_key (a {{setting.NAME}} that exists)');
    }
    const token = signJwtHs256(secret, options.jwt.claims ?? {}, {
      expiresInS: options.jwt.expiry ?? DEFAULT_JWT_EXPIRY_S,
      nowMs: config.now?.(),
    });
    for (const [name, value] of Object.entries(headers)) headers[name] = value.split('{{jwt.token}}').join(token);
  }
  if (isRelative) headers.Authorization = `Bearer ${config.zendeskAccessToken}`;

  let body: string | undefined;
  if (options.data !== undefined && options.data !== null) {
    if (typeof options.data === 'string') body = options.data;
    else if (typeof options.data === 'object') body = formEncode(options.data as Record<string, unknown>);
    else body = String(options.data);
    if (method === 'GET' || method === 'HEAD') {
      if (body !== '') target.search = target.search ? `${target.search}&${body}` : `?${body}`;
      body = undefined;
    } else if (options.contentType !== false) {
      headers['Content-Type'] = options.contentType ?? 'application/x-www-form-urlencoded; charset=UTF-8';
    }
  }

  try {
    const response = await fetch(target, {
      method,
      headers,
      body,
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeout && options.timeout > 0 ? options.timeout : DEFAULT_TIMEOUT_MS),
    });
    return {
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return failure(0, timedOut ? 'timeout' : 'error', String(error));
  }
}
