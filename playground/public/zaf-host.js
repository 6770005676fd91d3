// @ts-check
// The host (parent frame) side of the ZAF v2 postMessage protocol, as the SDK in
// node_modules/zendesk_app_framework_sdk/lib/client.js expects it. One AppInstance per app iframe:
//  - the location is loaded as Zendesk loads a `signedUrls` app: a named iframe, then a hidden
//    `<form method="post" target="<iframe name>">` to the worker's page URL with the field
//    `token` (the RS256 JWT Zendesk signs; here the Zendesk fake signs it, through the playground
//    server); the URL carries ?origin=<this page's origin>&app_guid=<guid>, which ZAFClient.init() reads;
//  - the app's origin is the worker's; the SDK posts JSON strings to window.parent with
//    targetOrigin = origin; we accept them only from that iframe's window and the app's origin,
//    and answer with postMessage(json, appOrigin);
//  - `iframe.handshake` -> `zaf.app.registered` { context, metadata } (the SDK then marks itself ready);
//  - `iframe.on:<event>` / `iframe.off:<event>` carry the subscriber count: events are only sent
//    to apps that listen, as Zendesk does;
//  - `{ id, request: 'get' | 'set' | 'invoke', params }` -> `{ id, result }` where result has one key
//    per path plus `errors` keyed by path (the SDK throws for a failed single path);
//  - `request:<n>` with the request options -> `zaf.request:<n>.done` / `.fail` with
//    `{ responseArgs }`, i.e. jQuery's ajax callback arguments: (data, textStatus, jqXHR) or
//    (jqXHR, textStatus, errorThrown); the request itself is made by the playground server;
//  - events that need a reply (`ticket.save`) go out with `needsReply: true`; the app answers
//    `iframe.reply:<event>`, with `error.msg` when a handler rejected (the save is cancelled).

/**
 * @typedef {{ status: number, statusText: string, headers: Record<string, string>, body: string }} ProxiedResponse
 * @typedef {{ [key: string]: unknown }} Json
 * @typedef {{
 *   container: HTMLElement,
 *   pageUrl: string,
 *   location: string,
 *   context: Json,
 *   metadata: Json,
 *   resolve: (path: string) => unknown,
 *   request: (options: Json) => Promise<ProxiedResponse>,
 *   invoke?: (name: string, args: unknown[]) => unknown,
 *   log?: (direction: 'in' | 'out', summary: string) => void,
 * }} AppInstanceOptions
 */

/** @type {Map<Window, AppInstance>} */
const instances = new Map();

window.addEventListener('message', (event) => {
  const source = /** @type {Window | null} */ (event.source);
  const instance = source ? instances.get(source) : undefined;
  if (!instance || event.origin !== instance.appOrigin) return;
  let data = event.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return;
    }
  }
  if (data && typeof data === 'object') void instance.receive(/** @type {Json} */ (data));
});

function newGuid() {
  return crypto.randomUUID();
}

/**
 * @param {unknown} value
 * @returns {value is Json}
 */
function isJson(value) {
  return typeof value === 'object' && value !== null;
}

export class AppInstance {
  /** @param {AppInstanceOptions} options */
  constructor(options) {
    this.options = options;
    this.pageUrl = new URL(options.pageUrl);
    this.appOrigin = this.pageUrl.origin;
    this.guid = newGuid();
    /** @type {Map<string, number>} subscriber counts by event name */
    this.subscriptions = new Map();
    /** @type {Map<string, (reply: { error?: { msg?: string } }) => void>} */
    this.pendingReplies = new Map();
    this.registered = false;
    this.destroyed = false;

    // Empty until load() posts the signed form into it (by name).
    const iframe = document.createElement('iframe');
    iframe.name = `pisms-app-${options.location}-${this.guid}`;
    iframe.title = `Post-Interaction SMS (${options.location})`;
    iframe.dataset.location = options.location;
    iframe.className = `app-frame app-frame--${options.location}`;
    options.container.replaceChildren(iframe);
    this.iframe = iframe;
    const contentWindow = iframe.contentWindow;
    if (!contentWindow) throw new Error('The app iframe has no window');
    this.window = contentWindow;
    instances.set(contentWindow, this);
  }

  /**
   * Loads the location as Zendesk does: POST {pageUrl}?origin&app_guid with form field `token`,
   * into the iframe.
   * @param {string} token the signed page-load token
   */
  load(token) {
    if (this.destroyed) return;
    const action = new URL(this.pageUrl);
    action.search = new URLSearchParams({ origin: window.location.origin, app_guid: this.guid }).toString();
    const form = document.createElement('form');
    form.method = 'post';
    form.action = action.toString();
    form.target = this.iframe.name;
    form.hidden = true;
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = 'token';
    field.value = token;
    form.append(field);
    document.body.append(form);
    form.submit();
    form.remove();
    this.options.log?.('out', `POST ${action.pathname} (signed page load)`);
  }

  destroy() {
    this.destroyed = true;
    instances.delete(this.window);
    this.iframe.remove();
  }

  /** @param {Json} message */
  post(message) {
    this.options.log?.('out', summarize(message));
    this.window.postMessage(JSON.stringify({ ...message, instanceGuid: this.guid }), this.appOrigin);
  }

  /** @param {string} name */
  isSubscribed(name) {
    return (this.subscriptions.get(name) ?? 0) > 0;
  }

  /**
   * Sends a framework event to the app, if it listens.
   * @param {string} name
   * @param {unknown} [data]
   */
  fire(name, data) {
    if (!this.registered || !this.isSubscribed(name)) return false;
    this.post({ key: `zaf.${name}`, message: data });
    return true;
  }

  /**
   * Sends an event whose handlers may veto (ticket.save). Resolves with the veto message, or
   * null when every handler agreed (or the app does not listen, or 10 s passed).
   * @param {string} name
   * @param {unknown} [data]
   * @returns {Promise<string | null>}
   */
  fireWithReply(name, data) {
    if (!this.registered || !this.isSubscribed(name)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingReplies.delete(name);
        resolve(null);
      }, 10_000);
      this.pendingReplies.set(name, (reply) => {
        clearTimeout(timer);
        resolve(reply.error ? String(reply.error.msg ?? 'cancelled by the app') : null);
      });
      this.post({ key: `zaf.${name}`, message: data, needsReply: true });
    });
  }

  /** @param {Json} data */
  async receive(data) {
    this.options.log?.('in', summarize(data));
    if (typeof data.id === 'number' && typeof data.request === 'string') {
      this.post({ id: data.id, ...this.answerCall(data.request, data.params) });
      return;
    }
    const key = typeof data.key === 'string' ? data.key : '';
    const message = data.message;
    if (key === 'iframe.handshake') {
      this.registered = true;
      this.post({ key: 'zaf.app.registered', message: { context: this.options.context, metadata: this.options.metadata } });
      return;
    }
    const on = /^iframe\.(on|off):(.+)$/.exec(key);
    if (on) {
      const count = isJson(message) && typeof message.subscriberCount === 'number' ? message.subscriberCount : 0;
      this.subscriptions.set(on[2] ?? '', count);
      return;
    }
    const reply = /^iframe\.reply:(.+)$/.exec(key);
    if (reply) {
      const done = this.pendingReplies.get(reply[1] ?? '');
      this.pendingReplies.delete(reply[1] ?? '');
      done?.(/** @type {{ error?: { msg?: string } }} */ (data));
      return;
    }
    const trigger = /^iframe\.trigger:(.+)$/.exec(key);
    if (trigger) {
      // client.trigger(): the event comes back to the app's own listeners.
      this.fire(trigger[1] ?? '', message);
      return;
    }
    if (/^request:\d+$/.test(key) && isJson(message)) {
      await this.answerRequest(key, message);
    }
  }

  /**
   * @param {string} request get | set | invoke
   * @param {unknown} params
   * @returns {Json}
   */
  answerCall(request, params) {
    /** @type {Record<string, { path: string, name: string, message: string }>} */
    const errors = {};
    /** @type {Json} */
    const result = { errors };
    if (request === 'get' && Array.isArray(params)) {
      for (const path of params) {
        const value = this.options.resolve(String(path));
        if (value === undefined) errors[path] = { path, name: 'InvalidPathError', message: `Could not find handler for: "${path}"` };
        else result[path] = value;
      }
    } else if (request === 'invoke' && isJson(params)) {
      for (const [name, args] of Object.entries(params)) {
        const value = this.options.invoke?.(name, Array.isArray(args) ? args : []);
        if (value === undefined)
          errors[name] = { path: name, name: 'InvalidActionError', message: `Could not find handler for: "${name}"` };
        else result[name] = value;
      }
    } else if (request === 'set' && isJson(params)) {
      for (const path of Object.keys(params)) {
        errors[path] = { path, name: 'InvalidPathError', message: 'The playground does not support set()' };
      }
    } else {
      return { error: { name: 'Error', message: `Unknown request ${request}` } };
    }
    return { result };
  }

  /**
   * @param {string} key request:<n>
   * @param {Json} options the app's request options
   */
  async answerRequest(key, options) {
    /** @type {ProxiedResponse} */
    let answer;
    try {
      answer = await this.options.request(options);
    } catch (error) {
      answer = { status: 0, statusText: 'error', headers: {}, body: String(error) };
    }
    const { status, statusText, body } = answer;
    const contentType = answer.headers['content-type'] ?? '';
    const dataType = typeof options.dataType === 'string' ? options.dataType : undefined;
    const wantsJson = dataType === 'json' || (dataType === undefined && /json/i.test(contentType));
    /** @type {unknown} */
    let json;
    let parseFailed = false;
    if (body !== '' && (wantsJson || /json/i.test(contentType))) {
      try {
        json = JSON.parse(body);
      } catch {
        parseFailed = wantsJson;
      }
    }
    const jqXHR = {
      readyState: status === 0 ? 0 : 4,
      status,
      statusText,
      responseText: body,
      ...(json === undefined ? {} : { responseJSON: json }),
    };
    const ok = (status >= 200 && status < 300) || status === 304;
    if (ok && !parseFailed) {
      let data = dataType === 'text' || !wantsJson ? body : json;
      if (status === 204) data = undefined;
      if (options.httpCompleteResponse === true) data = { status, headers: answer.headers, responseText: body, responseJSON: json };
      this.post({ key: `zaf.${key}.done`, message: { responseArgs: [data, status === 204 ? 'nocontent' : 'success', jqXHR] } });
    } else {
      const textStatus = ok ? 'parsererror' : statusText === 'timeout' ? 'timeout' : 'error';
      this.post({ key: `zaf.${key}.fail`, message: { responseArgs: [jqXHR, textStatus, statusText] } });
    }
  }
}

/** @param {Json} message */
function summarize(message) {
  if (typeof message.id === 'number') {
    if (typeof message.request === 'string') return `#${message.id} ${message.request} ${JSON.stringify(message.params)}`;
    return `#${message.id} ${JSON.stringify(message.result ?? message.error)}`.slice(0, 160);
  }
  const key = String(message.key ?? '?');
  if (/^request:\d+$/.test(key) && isJson(message.message)) {
    const options = message.message;
    return `${key} ${String(options.type ?? 'GET')} ${String(options.url)}`;
  }
  if (/^zaf\.request:\d+\.(done|fail)$/.test(key) && isJson(message.message)) {
    const args = /** @type {unknown[]} */ (message.message.responseArgs);
    const xhr = /** @type {{ status?: number }} */ (key.endsWith('.done') ? args[2] : args[0]);
    return `${key} ${xhr?.status ?? ''}`;
  }
  return key + (message.needsReply ? ' (needs reply)' : '');
}
