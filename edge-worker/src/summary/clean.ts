// Turns a comment body into the text its author wrote: HTML to text, quoted replies, signatures and
// excess whitespace removed. Pure; deterministic; never throws on malformed HTML.

// ---------------------------------------------------------------------------------------------
// HTML to text

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  lsaquo: '‹',
  rsaquo: '›',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  iexcl: '¡',
  iquest: '¿',
  shy: '',
  zwnj: '\u200c',
  zwj: '\u200d',
  lrm: '',
  rlm: '',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  check: '✓',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  ntilde: 'ñ',
  ccedil: 'ç',
  Eacute: 'É',
};

/** Decode HTML character references (named, decimal, hex); unknown ones are left as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[ref];
    return named ?? whole;
  });
}

/** Elements whose content is never text a person wrote. */
const DROPPED_ELEMENTS = new Set([
  'script',
  'style',
  'head',
  'title',
  'template',
  'noscript',
  'svg',
  'math',
  'object',
  'iframe',
  'select',
  // Quoted replies in every mail client's HTML.
  'blockquote',
]);

/** Containers of quoted replies and signatures, by class or id (Gmail, Yahoo, Thunderbird, Apple, Outlook). */
const DROPPED_MARKERS =
  /(^|\s)(gmail_quote|gmail_attr|gmail_signature|yahoo_quoted|moz-cite-prefix|moz-signature|protonmail_quote|protonmail_signature_block|zmail_extra|x_gmail_quote|AppleMailSignature|Signature|signature|zendesk_quote|zd-quote)(\s|$)/;

/** Outlook puts the original message after these markers as siblings, not children: drop the rest. */
const TRUNCATE_MARKERS = /(^|\s)(divRplyFwdMsg|x_divRplyFwdMsg|appendonsend|stopSpelling|OutlookMessageHeader)(\s|$)/;
const OUTLOOK_HEADER_STYLE = /border-top\s*:\s*solid\s+#(e1e1e1|b5c4df)/i;

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const BLOCK_ELEMENTS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'table',
  'tbody',
  'thead',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'section',
  'article',
  'header',
  'footer',
  'hr',
  'dd',
  'dt',
  'dl',
  'address',
  'figure',
  'figcaption',
  'nav',
  'aside',
  'main',
  'form',
  'fieldset',
  'center',
  'caption',
]);

const TAG =
  /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTRIBUTE = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/g;

function readAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? '').toLowerCase();
    attributes.set(name, decodeHtmlEntities(match[3] ?? match[4] ?? match[5] ?? ''));
  }
  return attributes;
}

/**
 * HTML to plain text: scripts, styles and quoted-reply / signature containers dropped, block
 * elements and <br> become line breaks, list items "- ", entities decoded. A small tag scanner,
 * not a DOM: mail HTML is often malformed and this must never throw.
 */
export function htmlToText(html: string): string {
  let out = '';
  const pushText = (raw: string): void => {
    const text = decodeHtmlEntities(raw.replace(/[\t\n\r\f ]+/g, ' '));
    if (text.trim() === '' && (out === '' || out.endsWith('\n'))) return;
    out += text;
  };
  // Block boundaries give one line break, however many elements open or close there; <br> always one.
  const pushBreak = (): void => {
    if (out !== '' && !out.endsWith('\n')) out += '\n';
  };
  let skipping: { tag: string; depth: number } | null = null;
  let last = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match !== null; match = TAG.exec(html)) {
    const textBefore = html.slice(last, match.index);
    last = TAG.lastIndex;
    if (!skipping && textBefore !== '') pushText(textBefore);
    const name = match[2]?.toLowerCase();
    if (!name) continue; // comment, doctype, CDATA, processing instruction
    const isClosing = match[1] === '/';
    const rawAttributes = match[3] ?? '';
    const selfClosing = rawAttributes.trimEnd().endsWith('/') || VOID_ELEMENTS.has(name);
    if (skipping) {
      if (name === skipping.tag && !selfClosing) {
        skipping.depth += isClosing ? -1 : 1;
        if (skipping.depth === 0) skipping = null;
      }
      continue;
    }
    if (!isClosing) {
      const attributes = rawAttributes.includes('=') ? readAttributes(rawAttributes) : null;
      const marker = `${attributes?.get('class') ?? ''} ${attributes?.get('id') ?? ''} ${attributes?.get('data-smartmail') ?? ''}`;
      if (TRUNCATE_MARKERS.test(marker) || OUTLOOK_HEADER_STYLE.test(attributes?.get('style') ?? '')) {
        last = html.length;
        break;
      }
      if (DROPPED_ELEMENTS.has(name) || DROPPED_MARKERS.test(marker)) {
        if (!selfClosing) skipping = { tag: name, depth: 1 };
        continue;
      }
      if (name === 'br') {
        out += '\n';
      } else if (name === 'li') {
        pushBreak();
        out += '- ';
      } else if (BLOCK_ELEMENTS.has(name)) {
        pushBreak();
      } else if (name === 'td' || name === 'th') {
        out += ' ';
      }
    } else if (BLOCK_ELEMENTS.has(name)) {
      pushBreak();
    }
  }
  if (!skipping && last < html.length) pushText(html.slice(last));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Quoted replies

/** "On <date>, <name> <email> wrote:" and its translations, as Gmail, Apple Mail and others write it. */
const REPLY_HEADERS: readonly RegExp[] = [
  /^On\b.{0,300}\bwrote\s*:?\s*$/is,
  /^Le\b.{0,300}a écrit\s*:\s*$/is,
  /^Am\b.{0,300}schrieb.{0,200}:\s*$/is,
  /^El\b.{0,300}escribió\s*:\s*$/is,
  /^Il\b.{0,300}ha scritto\s*:\s*$/is,
  /^Op\b.{0,300}schreef.{0,200}:\s*$/is,
  /^Em\b.{0,300}escreveu\s*:\s*$/is,
  /^.{0,300}(пишет|написал|написала|написал\(а\))\s*:\s*$/isu,
  /^\d{4}年\d{1,2}月\d{1,2}日.{0,200}[:：]\s*$/su,
  /^.{0,300}(写道|寫道)\s*[:：]\s*$/su,
  /^في\s.{0,300}كتب.{0,200}:\s*$/su,
  /^.{0,300}\bwrote\s*:\s*$/is,
];

const REPLY_HEADER_START = /^(On|Le|Am|El|Il|Op|Em|في)\s|^\d{4}年/u;
const REPLY_HEADER_END = /(?:[:：]|\bwrote)\s*$/i;
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Исходное сообщение|Mensagem original|元のメッセージ|原始邮件)\s*-{2,}\s*$/iu;
/** Zendesk's own reply delimiter, "##- Please type your reply above this line -##" in any language. */
const ZENDESK_DELIMITER = /^\s*##-.*-##\s*$/;
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(From|De|Von|Van|Da|От|Від|差出人|发件人|寄件者|Från|Fra|Od)\s*\*?\s*[:：]/iu;
const HEADER_DATE =
  /^\s*\*?(Sent|Date|Envoyé|Gesendet|Datum|Enviado|Fecha|Inviato|Data|Отправлено|Дата|Надіслано|送信日時|日付|发送时间|發送時間|Skickat|Sendt|Verzonden|Wysłano)\s*\*?\s*[:：]/iu;
const FORWARDED = /^\s*(-{2,}\s*Forwarded message\s*-{2,}|Begin forwarded message\s*:?)\s*$/i;
const HEADER_LINE = /^\s*\*?[\p{L}][\p{L} -]{0,20}\*?\s*[:：]\s*\S/u;
const QUOTED_LINE = /^\s*>/;

/** How many lines (1–3) starting at `index` form a reply header, or 0. Gmail wraps long ones. */
function measureReplyHeader(lines: readonly string[], index: number): number {
  const first = (lines[index] ?? '').trim();
  // Only a line that starts like a header ("On Mon, ...") may continue on the next lines.
  const maxSize = REPLY_HEADER_START.test(first) ? 3 : 1;
  let joined = '';
  for (let size = 1; size <= maxSize && index + size <= lines.length; size++) {
    const line = (lines[index + size - 1] ?? '').trim();
    if (line === '') return 0;
    joined = size === 1 ? line : `${joined} ${line}`;
    if (joined.length > 400) return 0;
    // Every header ends with a colon (or "wrote"): a cheap test before the dozen patterns.
    if (!REPLY_HEADER_END.test(joined)) continue;
    if (REPLY_HEADERS.some((pattern) => pattern.test(joined))) return size;
  }
  return 0;
}

function isOutlookHeaderBlock(lines: readonly string[], index: number): boolean {
  if (!HEADER_FROM.test(lines[index] ?? '')) return false;
  for (let i = index + 1; i < Math.min(lines.length, index + 6); i++) {
    if (HEADER_DATE.test(lines[i] ?? '')) return true;
  }
  return false;
}

/**
 * Remove quoted replies. Top-posted quotes ("On ... wrote:" followed by unmarked text, Outlook's
 * header block, "-----Original Message-----", Zendesk's "##- ... -##") cut the rest of the text;
 * ">"-quoted lines are removed where they are, so a reply written below a quote is kept.
 * Forwarded messages are kept (they often are the customer's evidence) without their header lines.
 */
export function stripQuotedReplies(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (ORIGINAL_MESSAGE.test(line) || ZENDESK_DELIMITER.test(line)) break;
    if (UNDERSCORE_RULE.test(line) && isOutlookHeaderBlock(lines, i + 1)) break;
    if (FORWARDED.test(line)) {
      i++;
      while (i < lines.length && (HEADER_LINE.test(lines[i] ?? '') || (lines[i] ?? '').trim() === '')) i++;
      continue;
    }
    if (isOutlookHeaderBlock(lines, i)) break;
    const headerSize = measureReplyHeader(lines, i);
    if (headerSize > 0) {
      let next = i + headerSize;
      while (next < lines.length && (lines[next] ?? '').trim() === '') next++;
      if (next < lines.length && !QUOTED_LINE.test(lines[next] ?? '')) break; // unmarked quote: cut
      i = next;
      continue; // the ">" lines that follow are dropped below
    }
    if (!QUOTED_LINE.test(line)) kept.push(line);
    i++;
  }
  return kept.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Signatures

const SIGNATURE_DELIMITER = /^--\s?$/;
const MOBILE_SIGNATURE =
  /^\s*(Sent from (my )?(iPhone|iPad|Android|Samsung|Galaxy|mobile|phone|BlackBerry|Pixel|Huawei|Xiaomi)\b.*|Sent from (Mail|Outlook|Yahoo Mail|ProtonMail|Proton Mail)\b.*|Sent via .{1,40}|Get Outlook for (iOS|Android)\b.*|Envoyé de mon .{1,40}|Von meinem .{1,40} gesendet\.?|Enviado desde mi .{1,40}|Inviato da(l mio)? .{1,40}|Verzonden (met|vanaf) .{1,40}|Отправлено (с|из) .{1,40}|(iPhone|iPad|Android|スマートフォン|Outlook)(から|より)送信)\s*$/iu;
/** Closing phrases, longest first so "thanks again" wins over "thanks". Compared case-insensitively. */
const SIGN_OFFS: readonly string[] = [
  'mit freundlichen grüßen',
  'met vriendelijke groet',
  'bien cordialement',
  'freundliche grüße',
  'thank you so much',
  'cordiali saluti',
  'warmest regards',
  'yours sincerely',
  'مع خالص التحيات',
  '以上、よろしくお願いいたします',
  'atenciosamente',
  'thanks so much',
  'всего доброго',
  'all the best',
  'best regards',
  'cordialement',
  'kind regards',
  'respectfully',
  'thanks again',
  'warm regards',
  'よろしくお願いいたします',
  'atentamente',
  'best wishes',
  'beste grüße',
  'many thanks',
  'viele grüße',
  'yours truly',
  'с уважением',
  'よろしくお願いします',
  'sincerely',
  'take care',
  'thank you',
  'un saludo',
  'مع تحياتي',
  '宜しくお願いします',
  'obrigada',
  'obrigado',
  'gracias',
  'groeten',
  'regards',
  'saludos',
  'спасибо',
  'cheers',
  'grazie',
  'saluti',
  'thanks',
  'merci',
  'yours',
  'شكراً',
  'best',
  'rgds',
  'شكرا',
  'mfg',
  'thx',
  'br',
  'kr',
  'lg',
  '此致',
  '谢谢',
];
/** After the sign-off: punctuation, then at most a capitalised name ("Thanks, Anna"). Case-sensitive. */
const SIGN_OFF_REST = /^[\s,.!。、،]*(\p{Lu}[\p{L}.'-]*[\s,.!]*){0,3}$/u;
const MAX_NAME_BLOCK_LINES = 6;
const MAX_NAME_BLOCK_LINE_LENGTH = 70;

function isSignOff(line: string): boolean {
  return SIGN_OFFS.some((phrase) => line.slice(0, phrase.length).toLowerCase() === phrase && SIGN_OFF_REST.test(line.slice(phrase.length)));
}

/**
 * Remove signatures: everything from a "-- " delimiter or a "Sent from my iPhone" line, and a
 * closing sign-off ("Best regards,") followed only by a short name block (name, title, phone, URL).
 */
export function stripSignature(text: string): string {
  let lines = text.split('\n');
  const cutAt = lines.findIndex((line) => SIGNATURE_DELIMITER.test(line) || MOBILE_SIGNATURE.test(line));
  if (cutAt !== -1) lines = lines.slice(0, cutAt);

  const nonEmpty: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== '') nonEmpty.push(index);
  });
  // The earliest sign-off among the last lines such that only a short name block follows it.
  const window = nonEmpty.slice(-(MAX_NAME_BLOCK_LINES + 1));
  for (const [position, index] of window.entries()) {
    if (!isSignOff((lines[index] ?? '').trim())) continue;
    const after = window.slice(position + 1);
    if (after.every((i) => (lines[i] ?? '').trim().length <= MAX_NAME_BLOCK_LINE_LENGTH)) {
      lines = lines.slice(0, index);
      break;
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Whitespace

/** Characters normalizeWhitespace rewrites besides spaces and tabs (a cheap test first). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ODD_CHARACTER = /[\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff\u00ad\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Normalise whitespace: CRLF to LF, no-break and odd spaces to spaces, invisible characters
 * removed (ZWJ/ZWNJ kept: emoji sequences and Persian need them), runs of spaces collapsed, lines
 * trimmed, at most one blank line in a row, no leading or trailing space.
 */
export function normalizeWhitespace(text: string): string {
  let out = text;
  if (ODD_CHARACTER.test(out)) {
    out = out
      .replace(/\r\n?/g, '\n')
      .replace(/[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
      .replace(/[\u200b\u2060\ufeff\u00ad\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  }
  return out
    .replace(/[ \t]{2,}|\t/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The whole cleaning pipeline for one comment body. */
export function cleanCommentBody(body: string, isHtml: boolean): string {
  const text = (isHtml ? htmlToText(body) : body).replace(/\r\n?/g, '\n');
  return normalizeWhitespace(stripSignature(stripQuotedReplies(normalizeWhitespace(text))));
}
