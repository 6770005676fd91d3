// The verifier of Zendesk's signed page loads, on plain tokens with a fixed clock.
import { describe, expect, it } from 'vitest';
import { generateZendeskAppKeyPair, signZendeskAppToken, zendeskAppClaims } from '../../../test/fakes/zendesk-app-signing.ts';
import { LEEWAY_S, splitPublicKeys, verifyZendeskAppToken } from './zendesk-app-token.ts';

const app = generateZendeskAppKeyPair();
const otherApp = generateZendeskAppKeyPair();
const NOW_S = 1_790_000_000;
const base = { subdomain: 'acme', appInstallationId: 42, userId: 7, location: 'nav_bar' as const, issuedAtS: NOW_S - 10 };

function token(claims: Record<string, unknown> = {}, key = app.privateKey): string {
  return signZendeskAppToken(key, { ...zendeskAppClaims(base), ...claims });
}
const verify = (t: string, keys = app.publicKeyPem, nowS = NOW_S) => verifyZendeskAppToken(t, keys, { location: 'nav_bar' }, nowS * 1000);

describe('verifyZendeskAppToken', () => {
  it('takes the account, the app installation and the user from a valid token', async () => {
    expect(await verify(token())).toEqual({
      ok: true,
      identity: { subdomain: 'acme', appInstallationId: '42', userId: '7', issuedAtS: NOW_S - 10 },
    });
  });

  it('accepts sub as a bare id as well as a users URL of the same account, nothing else', async () => {
    expect((await verify(token({ sub: '7' }))).ok).toBe(true);
    expect((await verify(token({ sub: 7 }))).ok).toBe(true);
    expect(await verify(token({ sub: 'https://other.zendesk.com/api/v2/users/7.json' }))).toEqual({ ok: false, reason: 'bad_subject' });
    expect(await verify(token({ sub: 'user-7' }))).toEqual({ ok: false, reason: 'bad_subject' });
  });

  it('applies the leeway to exp and nbf, and no more', async () => {
    const exp = NOW_S - 5;
    expect((await verify(token({ exp })))).toMatchObject({ ok: true });
    expect(await verify(token({ exp: NOW_S - LEEWAY_S - 1 }))).toEqual({ ok: false, reason: 'expired' });
    expect(await verify(token({ nbf: NOW_S + LEEWAY_S + 5, iat: NOW_S }))).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(await verify(token({ exp: undefined }))).toEqual({ ok: false, reason: 'malformed' });
  });

  it('verifies against any of several configured app keys, and only those', async () => {
    const both = `${otherApp.publicKeyPem}\n${app.publicKeyPem}`;
    expect(splitPublicKeys(both)).toHaveLength(2);
    expect((await verify(token(), both)).ok).toBe(true);
    expect(await verify(token({}, otherApp.privateKey), app.publicKeyPem)).toEqual({ ok: false, reason: 'bad_signature' });
    // A key given with literal "\n" sequences (as some shells pass variables) still reads.
    expect((await verify(token(), app.publicKeyPem.replace(/\n/g, '\\n'))).ok).toBe(true);
  });

  it('wants one audience: the installation URL of the issuing account', async () => {
    expect((await verify(token({ aud: ['https://acme.zendesk.com/api/v2/apps/installations/42.json'] }))).ok).toBe(true);
    expect(await verify(token({ aud: ['https://acme.zendesk.com/api/v2/apps/installations/42.json', 'x'] }))).toEqual({
      ok: false,
      reason: 'bad_audience',
    });
    expect(await verify(token({ aud: 'http://acme.zendesk.com/api/v2/apps/installations/42.json' }))).toEqual({ ok: false, reason: 'bad_audience' });
  });
});
