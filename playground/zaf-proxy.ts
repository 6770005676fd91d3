// Zendesk's side of `client.request()` for the playground: what Zendesk's proxy does with a ZAF
// request before it reaches a server. Runs in the playground server (Node).
//  - Account-relative URLs (`/api/v2/groups.json`) go to the Zendesk fake's account with the demo
//    OAuth token, standing in for the signed-in agent's session (every user acts as the token's
//    user, the demo admin, for those calls). These are the only requests the app still makes
//    through ZAF: it calls the worker itself, same-origin, with the session the worker gave it.
//  - Other absolute URLs are fetched as they are (the proxy's `cors: false` path).
//  - Secure requests (`secure: true`, `{{setting.NAME}}` placeholders, `jwt`) are refused: the app
//    has no settings any more, and nothing here signs tokens for it.
// The answer is returned as status + body text; the host page turns it into the jqXHR-like
// arguments ZAF hands the app (playground/public/zaf-host.js).

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
  jwt?: unknown;
  timeout?: number;
}

export interface ZafProxyConfig {
  /** Base of account-relative URLs, e.g. http://127.0.0.1:8788/demo */
  zendeskAccountUrl: string;
  /** Authenticates account-relative requests, as the agent's session cookie would. */
  zendeskAccessToken: string;
}

export interface ProxiedResponse {
  /** 0 when no answer came (network error, timeout). */
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

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
  if (input.secure === true || input.jwt !== undefined) {
    return failure(400, 'Bad Request', 'Secure requests are not supported: the app has no secure settings and calls its worker directly');
  }
  let target: URL;
  try {
    target = isRelative ? new URL(config.zendeskAccountUrl + relativeUrl) : new URL(input.url);
  } catch {
    return failure(400, 'Bad Request', `Invalid url ${input.url}`);
  }

  const headers: Record<string, string> = { ...(input.headers ?? {}) };
  if (isRelative) headers.Authorization = `Bearer ${config.zendeskAccessToken}`;

  let body: string | undefined;
  if (input.data !== undefined && input.data !== null) {
    if (typeof input.data === 'string') body = input.data;
    else if (typeof input.data === 'object') body = formEncode(input.data as Record<string, unknown>);
    else body = String(input.data);
    if (method === 'GET' || method === 'HEAD') {
      if (body !== '') target.search = target.search ? `${target.search}&${body}` : `?${body}`;
      body = undefined;
    } else if (input.contentType !== false) {
      headers['Content-Type'] = input.contentType ?? 'application/x-www-form-urlencoded; charset=UTF-8';
    }
  }

  try {
    const response = await fetch(target, {
      method,
      headers,
      body,
      redirect: 'follow',
      signal: AbortSignal.timeout(input.timeout && input.timeout > 0 ? input.timeout : DEFAULT_TIMEOUT_MS),
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
