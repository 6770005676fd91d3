// Limits of the test SMS (POST /v1/test-send): it goes only to a number the caller may text, and
// not too often.
//  - Whose number: the caller's own phone in Zendesk (the Users API `phone`, "the user's primary
//    phone number": https://developer.zendesk.com/api-reference/ticketing/users/users/), looked
//    up fresh with the installation's token, or a number an admin listed in Settings
//    (testSendNumbers). Anything else is refused (403): a test send is not a way to text anyone.
//  - Its country must be one the installation texts (Settings: allowedCountries).
//  - How often: Cloudflare's Rate Limiting binding, per user and per installation
//    (wrangler.toml [[ratelimits]]; https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/).
//    The binding answers only `{ success }`, with no time of the window's end, so Retry-After is
//    the whole period (60 s). Its counts are per Cloudflare location and approximate (documented).
import { countryNotAllowed } from '../../../shared/phone/destination-country.ts';
import { maskPhone, normalizePhone } from '../../../shared/phone/normalize.ts';
import type { Env } from '../env.ts';
import { AppError, invalid, RateLimitedError } from '../errors.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';
import type { Caller } from './context.ts';

/** The period of both [[ratelimits]] in wrangler.toml, seconds. */
export const TEST_SEND_PERIOD_S = 60;

/** 429 when the caller or the installation sent too many test SMS in the last minute. */
export async function enforceTestSendRate(env: Env, caller: Caller): Promise<void> {
  const user = await env.TEST_SEND_USER_LIMIT.limit({ key: `${caller.installation.id}:${caller.userId}` });
  if (!user.success) {
    throw new RateLimitedError(`Too many test messages: at most 5 a minute per person. Try again in ${TEST_SEND_PERIOD_S} seconds.`, TEST_SEND_PERIOD_S);
  }
  const installation = await env.TEST_SEND_INSTALLATION_LIMIT.limit({ key: caller.installation.id });
  if (!installation.success) {
    throw new RateLimitedError(`Too many test messages from this account: at most 20 a minute. Try again in ${TEST_SEND_PERIOD_S} seconds.`, TEST_SEND_PERIOD_S);
  }
}

/** 403 unless `e164` is the caller's own Zendesk phone or on the admin's list; 422 for a country not texted. */
export async function assertMayTestText(env: Env, caller: Caller, e164: string): Promise<void> {
  const settings = caller.installation.settings;
  const blocked = countryNotAllowed(e164, settings);
  if (blocked) throw invalid([{ field: 'to', reason: blocked }]);
  if (settings.testSendNumbers.includes(e164)) return;
  const me = await (await zendeskFor(env, caller.installation)).getUser(caller.userId);
  const own = me.phone ? normalizePhone(me.phone, settings.defaultCountry) : null;
  if (own?.ok && own.e164 === e164) return;
  throw new AppError(
    'forbidden',
    `A test message may go only to your own phone in your Zendesk profile${own?.ok ? ` (${maskPhone(own.e164)})` : ''} or to a number an admin allowed in Settings`,
    [{ field: 'to', reason: 'Not your phone and not on the test-number list' }],
  );
}
