// Structured logs (one JSON line). Phone numbers are masked before anything is written, and
// callers never pass secrets or message bodies.
import { maskPhone } from '../../shared/phone/normalize.ts';

const E164_ANYWHERE = /\+[1-9]\d{6,14}/g;

export function maskPhonesIn(text: string): string {
  return text.replace(E164_ANYWHERE, (m) => maskPhone(m));
}

export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = maskPhonesIn(JSON.stringify({ level, msg, ...fields }));
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
