// The slice of the ZAF v2 client (zendesk_app_framework_sdk, lib/client.ts) this app uses, typed.
// Types only. The real client comes from the CDN script (`window.ZAFClient.init()`); tests pass
// the stand-in from src/test/fake-zaf-client.ts.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of `client.request()`; see "Making API requests from a Zendesk app" (ZAF docs). */
export interface ZafRequestOptions {
  url: string;
  type?: HttpMethod;
  contentType?: string;
  data?: string;
  dataType?: 'json' | 'text';
  headers?: Record<string, string>;
  /** Route through Zendesk's proxy, which substitutes `{{setting.NAME}}` placeholders. */
  secure?: boolean;
  cors?: boolean;
  /** The proxy signs a JWT with the (secure) secret and substitutes `{{jwt.token}}`. */
  jwt?: {
    algorithm: 'HS256';
    secret_key: string;
    expiry?: number;
    claims?: Record<string, string | number | boolean>;
  };
  timeout?: number;
}

/** What a rejected `client.request()` carries: a jqXHR-like object. */
export interface ZafRequestFailure {
  status: number;
  statusText?: string;
  responseText?: string;
  responseJSON?: unknown;
}

/** `client.get()` answers with one key per requested path plus `errors` keyed by path. */
export interface ZafGetResult {
  errors: Record<string, { name?: string; message?: string }>;
  [path: string]: unknown;
}

export interface ZafContext {
  product: string;
  location: string;
  instanceGuid?: string;
  account?: { subdomain: string };
  ticketId?: number;
}

export interface ZafMetadata {
  appId: number;
  installationId: number;
  name?: string;
  version?: string;
  /** Non-secure installation settings (manifest parameters). Secure ones are never here. */
  settings: Record<string, string | number | boolean | null | undefined>;
}

export type ZafEventHandler = (data?: unknown) => unknown;

export interface ZafClient {
  get(path: string | string[]): Promise<ZafGetResult>;
  request(options: ZafRequestOptions | string): Promise<unknown>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  on(name: string, handler: ZafEventHandler): void;
  off(name: string, handler: ZafEventHandler): void;
  trigger(name: string, data?: unknown): void;
  context(): Promise<ZafContext>;
  metadata(): Promise<ZafMetadata>;
}

declare global {
  interface Window {
    ZAFClient?: { init(): ZafClient };
  }
}
