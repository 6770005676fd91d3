// Removes secrets and needless personal data from text before it goes to a model or into an SMS.
// Pure; deterministic; idempotent (redacting twice changes nothing).
//
// Redacted (replaced with "[redacted]"): payment card numbers (13-19 digits, spaces/dashes allowed,
// Luhn-checked), CVV codes, one-time codes (4-8 digits near "code", "OTP", "verification", "PIN",
// and translations), values after "password:", "token=", "API key:" and the like, IBANs (mod-97
// checked), US SSNs (dashed/spaced form, or 9 digits next to "SSN"), private keys (PEM), JWTs,
// bearer tokens, keys with known prefixes (sk_live_, KEY..., ghp_, xoxb-, AKIA..., AIza..., SG.),
// and long random-looking strings (32+ characters of mixed case and digits, or 32+ hex digits).
//
// Email addresses become "[email]": a summary never needs one, the SMS can go to third parties
// (fixed numbers, agents), and Workers AI should not receive them. Phone numbers are kept: they are
// not secrets, a callback number can be the point of the message, and phone-shaped numbers in
// support mail are mostly order and ticket ids (redacting them would gut the summary).
//
// Not redacted on purpose: order, ticket, invoice and tracking numbers ("Order #12345"), error and
// status codes ("error code 5028"), postal codes, amounts, dates, UUIDs. Accepted trade-off: a
// 13-19 digit id that happens to pass the Luhn check (1 in 10) is redacted as a card number.

export const REDACTED = '[redacted]';
export const REDACTED_EMAIL = '[email]';

export type RedactionKind =
  | 'private_key'
  | 'jwt'
  | 'api_key'
  | 'bearer_token'
  | 'labelled_secret'
  | 'one_time_code'
  | 'card_number'
  | 'iban'
  | 'ssn'
  | 'random_token'
  | 'email';

export type Redaction = { kind: RedactionKind; start: number; end: number };

/** ASCII, Arabic-Indic, Eastern Arabic-Indic and full-width digits: OTPs arrive in all of them. */
const DIGIT = '[0-9\\u0660-\\u0669\\u06f0-\\u06f9\\uff10-\\uff19]';

function readDigitValue(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x660 && code <= 0x669) return code - 0x660;
  if (code >= 0x6f0 && code <= 0x6f9) return code - 0x6f0;
  if (code >= 0xff10 && code <= 0xff19) return code - 0xff10;
  return -1;
}

function readDigits(text: string): number[] {
  const digits: number[] = [];
  for (const char of text) {
    const value = readDigitValue(char);
    if (value >= 0) digits.push(value);
  }
  return digits;
}

/** The Luhn (mod 10) check every payment card number satisfies. */
export function isLuhnValid(digits: readonly number[]): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits[digits.length - 1 - i] ?? 0;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 IBAN check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function isIbanValid(candidate: string): boolean {
  const iban = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /[0-9]/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

// ---------------------------------------------------------------------------------------------
// Detectors: each adds the ranges it finds; overlaps are merged afterwards.

type Detector = (text: string, found: Redaction[]) => void;

function addMatches(text: string, pattern: RegExp, kind: RedactionKind, found: Redaction[], group = 0): void {
  for (const match of text.matchAll(pattern)) {
    const value = match[group];
    if (value === undefined || value === '') continue;
    const start = (match.index ?? 0) + (group === 0 ? 0 : match[0].indexOf(value));
    found.push({ kind, start, end: start + value.length });
  }
}

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const PREFIXED_KEY = new RegExp(
  [
    '\\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}', // Stripe
    '\\bwhsec_[A-Za-z0-9+/=]{16,}', // webhook signing secrets
    '\\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}', // OpenAI / Anthropic style
    '\\bKEY[0-9A-Za-z_-]{20,}', // Telnyx API v2 keys
    '\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}', // GitHub
    '\\bgithub_pat_[A-Za-z0-9_]{20,}',
    '\\bxox[abprs]-[A-Za-z0-9-]{10,}', // Slack
    '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b', // AWS access key ids
    '\\bAIza[0-9A-Za-z_-]{35}', // Google API keys
    '\\bSG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}', // SendGrid
    '\\bglpat-[A-Za-z0-9_-]{20,}', // GitLab
  ].join('|'),
  'g',
);
const BEARER = /\b(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/-]{16,}=*)/gi;

/** "password: hunter2", "API key = abc", "пароль: ...". The label stays, the value goes. */
const LABELLED_SECRET =
  /(?:\b(?:password|passwd|pwd|passcode|passphrase|secret|client[ _-]?secret|api[ _-]?key|apikey|access[ _-]?key|secret[ _-]?key|private[ _-]?key|access[ _-]?token|auth[ _-]?token|refresh[ _-]?token|token|mot de passe|passwort|kennwort|contraseña|senha|wachtwoord)|пароль|パスワード|暗証番号|密码|密碼|كلمة المرور|كلمة السر)\s*(?:(?:is|was|ist|est|es|=|:|：)\s*)+["'“‘「]?([^\s"'”’」]+)/giu;
/** "my password is cat" is probably not a secret-bearing sentence; "my password is Tr0ub4dor" is. */
const WEAK_VALUE = /^[\p{Ll}]+[.,!?]?$/u;

const CODE_KEYWORD =
  /(?:\b(?:codes?|otp|one[ -]?time(?: pass(?:word|code)?)?|verification|verify|pin|passcode|2fa|mfa|security code|auth(?:entication)? code|cvv2?|cvc2?|csc)|код[а-я]*|コード|認証番号|確認番号|暗証番号|验证码|驗證碼|رمز|الرمز)/giu;
/** Words before "code" that make it an id, not a secret ("error code 5028", "zip code 94107"). */
const NOT_A_SECRET_BEFORE =
  /\b(?:error|status|response|http|exit|return|zip|postal|post|area|country|dial|tracking|product|item|order|sku|promo|promotion|discount|coupon|voucher|gift|tax|reference|ref|reason|fault|event|source|qr|bar|color|colour|style|dress|access)\s*$/i;
/** Words between the keyword and the number that mean the number is something else. */
const NOT_A_SECRET_BETWEEN =
  /\b(?:order|ticket|case|invoice|tracking|account number|reference|error|line|page|step|version|model|room)\b|#|№/i;
const CODE_VALUE = new RegExp(
  `^([^\\n\\d\\u0660-\\u0669\\u06f0-\\u06f9\\uff10-\\uff19]{0,30}?)(${DIGIT}{3}[ -]${DIGIT}{3}|${DIGIT}{3,8})(?![ -]?${DIGIT}|[.,]${DIGIT})`,
  'u',
);
const CODE_BEFORE_KEYWORD = new RegExp(
  `(?<!${DIGIT}|[#№-])(${DIGIT}{4,8})(?!${DIGIT})(?=\\s+(?:is|as)\\s+(?:your|the)\\s+(?:[\\p{L}-]+\\s+){0,2}(?:code|otp|pin|passcode)\\b)`,
  'giu',
);

function detectOneTimeCodes(text: string, found: Redaction[]): void {
  for (const match of text.matchAll(CODE_KEYWORD)) {
    const keywordStart = match.index ?? 0;
    const keywordEnd = keywordStart + match[0].length;
    if (NOT_A_SECRET_BEFORE.test(text.slice(Math.max(0, keywordStart - 20), keywordStart))) continue;
    const value = CODE_VALUE.exec(text.slice(keywordEnd, keywordEnd + 60));
    if (!value) continue;
    const between = value[1] ?? '';
    const digits = value[2] ?? '';
    const isCvv = /cvv|cvc|csc/i.test(match[0]);
    if (NOT_A_SECRET_BETWEEN.test(between) || between.trim().split(/\s+/).length > 6) continue;
    if (readDigits(digits).length < (isCvv ? 3 : 4)) continue;
    const start = keywordEnd + between.length;
    found.push({ kind: 'one_time_code', start, end: start + digits.length });
  }
  addMatches(text, CODE_BEFORE_KEYWORD, 'one_time_code', found, 1);
}

const CARD_CANDIDATE = new RegExp(`(?<![${DIGIT.slice(1, -1)}])(?:${DIGIT}[ -]?){12,18}${DIGIT}(?![${DIGIT.slice(1, -1)}])`, 'gu');

function detectCardNumbers(text: string, found: Redaction[]): void {
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const candidate = match[0];
    if (/[ -]{2}/.test(candidate)) continue;
    const digits = readDigits(candidate);
    if (digits.length < 13 || digits.length > 19 || !isLuhnValid(digits)) continue;
    const start = match.index ?? 0;
    found.push({ kind: 'card_number', start, end: start + candidate.length });
  }
}

const IBAN_CANDIDATE = /\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b/g;

function detectIbans(text: string, found: Redaction[]): void {
  for (const match of text.matchAll(IBAN_CANDIDATE)) {
    // Grouped IBANs are written in blocks of four; trailing words can be swallowed by the pattern.
    let candidate = match[0];
    while (candidate.length > 15 && !isIbanValid(candidate)) candidate = candidate.replace(/ ?[A-Z0-9]$/, '');
    if (!isIbanValid(candidate)) continue;
    const start = match.index ?? 0;
    found.push({ kind: 'iban', start, end: start + candidate.length });
  }
}

const SSN_FORMATTED = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;
const SSN_LABELLED = /\b(?:SSN|social security(?: number| no\.?)?)\s*(?:#|no\.?|number)?\s*(?:is|:)?\s*(\d{9})\b/gi;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** 32+ chars without spaces that look random: mixed case and digits (base64/base62), or all hex. */
const LONG_TOKEN = /(?<![\w+/-])[A-Za-z0-9+/_-]{32,}={0,2}(?![\w+/=-])/g;

function detectRandomTokens(text: string, found: Redaction[]): void {
  for (const match of text.matchAll(LONG_TOKEN)) {
    const token = match[0];
    const isHex = /^[0-9a-fA-F]+$/.test(token) && /[0-9]/.test(token) && /[a-fA-F]/.test(token);
    const isMixed = /[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token) && !token.includes('//');
    if (!isHex && !isMixed) continue;
    const start = match.index ?? 0;
    found.push({ kind: 'random_token', start, end: start + token.length });
  }
}

function detectLabelledSecrets(text: string, found: Redaction[]): void {
  for (const match of text.matchAll(LABELLED_SECRET)) {
    const captured = match[1];
    if (!captured || captured.startsWith('[')) continue;
    // A trailing "." or "," is far more often the sentence's than the password's.
    const value = captured.replace(/[.,;:]+$/, '');
    if (value === '') continue;
    const separatorIsWord = !/[=:：]/.test(match[0].slice(0, match[0].length - captured.length));
    if (separatorIsWord && WEAK_VALUE.test(value)) continue;
    const start = (match.index ?? 0) + match[0].length - captured.length;
    found.push({ kind: 'labelled_secret', start, end: start + value.length });
  }
}

const ANY_DIGIT = new RegExp(DIGIT, 'u');

/** Detectors with a cheap precondition each, so plain prose costs a few scans, not a dozen. */
const DETECTORS: ReadonlyArray<{ applies: (text: string) => boolean; detect: Detector }> = [
  { applies: (text) => text.includes('PRIVATE KEY'), detect: (text, found) => addMatches(text, PRIVATE_KEY, 'private_key', found) },
  { applies: (text) => text.includes('eyJ'), detect: (text, found) => addMatches(text, JWT, 'jwt', found) },
  { applies: () => true, detect: (text, found) => addMatches(text, PREFIXED_KEY, 'api_key', found) },
  { applies: () => true, detect: (text, found) => addMatches(text, BEARER, 'bearer_token', found, 1) },
  { applies: () => true, detect: detectLabelledSecrets },
  { applies: (text) => ANY_DIGIT.test(text), detect: detectOneTimeCodes },
  { applies: (text) => ANY_DIGIT.test(text), detect: detectCardNumbers },
  { applies: (text) => ANY_DIGIT.test(text), detect: detectIbans },
  { applies: (text) => ANY_DIGIT.test(text), detect: (text, found) => addMatches(text, SSN_FORMATTED, 'ssn', found) },
  { applies: (text) => ANY_DIGIT.test(text), detect: (text, found) => addMatches(text, SSN_LABELLED, 'ssn', found, 1) },
  { applies: (text) => text.length >= 32, detect: detectRandomTokens },
  { applies: (text) => text.includes('@'), detect: (text, found) => addMatches(text, EMAIL, 'email', found) },
];

/** Every secret found, sorted by position, overlaps merged (the earlier / longer range wins). */
export function findSecrets(text: string): Redaction[] {
  const found: Redaction[] = [];
  for (const { applies, detect } of DETECTORS) if (applies(text)) detect(text, found);
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Redaction[] = [];
  for (const range of found) {
    const previous = merged[merged.length - 1];
    if (previous && range.start < previous.end) {
      if (range.end > previous.end) {
        previous.end = range.end;
        if (previous.kind === 'email' && range.kind !== 'email') previous.kind = range.kind;
      }
      continue;
    }
    merged.push({ ...range });
  }
  return merged;
}

/** Replace every secret with "[redacted]" (emails with "[email]"). */
export function redactSecrets(text: string): string {
  const ranges = findSecrets(text);
  if (ranges.length === 0) return text;
  let out = '';
  let last = 0;
  for (const range of ranges) {
    out += text.slice(last, range.start) + (range.kind === 'email' ? REDACTED_EMAIL : REDACTED);
    last = range.end;
  }
  return out + text.slice(last);
}
