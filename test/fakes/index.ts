// Starts both vendor fakes (Zendesk and Telnyx) for tests, `npm start` and the local playground.
// Node only. Each fake's file header states the vendor contract it follows and what it leaves out.
import { startTelnyxFake } from './telnyx-fake.ts';
import type { TelnyxFake } from './telnyx-fake.ts';
import { startZendeskFake } from './zendesk-fake.ts';
import type { ZendeskFake } from './zendesk-fake.ts';

export * from './zendesk-fake.ts';
export * from './telnyx-fake.ts';
export { generateZendeskAppKeyPair, signZendeskAppToken, zendeskAppClaims } from './zendesk-app-signing.ts';
export { pkceChallenge } from './zendesk-oauth.ts';
export * from './control-client.ts';

export interface StartFakesOptions {
  host?: string;
  /** 0 (default) = a random free port. */
  zendeskPort?: number;
  telnyxPort?: number;
}

export interface Fakes {
  zendesk: ZendeskFake;
  telnyx: TelnyxFake;
  /** e.g. `http://127.0.0.1:41234`; an account's Zendesk base URL is `${zendeskUrl}/${subdomain}`. */
  zendeskUrl: string;
  /** e.g. `http://127.0.0.1:41235`; the Telnyx SDK's baseURL is `${telnyxUrl}/v2`. */
  telnyxUrl: string;
  close(): Promise<void>;
}

export async function startFakes(options: StartFakesOptions = {}): Promise<Fakes> {
  const zendesk = await startZendeskFake({ host: options.host, port: options.zendeskPort ?? 0 });
  let telnyx: TelnyxFake;
  try {
    telnyx = await startTelnyxFake({ host: options.host, port: options.telnyxPort ?? 0 });
  } catch (error) {
    await zendesk.close();
    throw error;
  }
  return {
    zendesk,
    telnyx,
    zendeskUrl: zendesk.url,
    telnyxUrl: telnyx.url,
    close: async () => {
      await Promise.all([zendesk.close(), telnyx.close()]);
    },
  };
}
