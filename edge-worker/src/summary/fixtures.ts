// Realistic ticket conversations for the summariser's tests and benchmark. Not imported by the worker.
// Pure data and deterministic generators (a seeded PRNG: same arguments, same thread).
import type { SummaryComment } from './types.ts';
import { seededRandom as createRandom } from '../../../shared/random/seeded-random.ts';

let clock = Date.parse('2026-03-02T09:00:00Z');
function at(minutes: number): string {
  return new Date(clock + minutes * 60_000).toISOString();
}

function customer(body: string, minutes: number, extra: Partial<SummaryComment> = {}): SummaryComment {
  return { authorName: 'Jane Doe', authorRole: 'end-user', body, isHtml: false, isPublic: true, createdAt: at(minutes), ...extra };
}

function agent(body: string, minutes: number, extra: Partial<SummaryComment> = {}): SummaryComment {
  return { authorName: 'Anna Berg', authorRole: 'agent', body, isHtml: false, isPublic: true, createdAt: at(minutes), ...extra };
}

/** English e-mail ticket: HTML with a Gmail quote and signature, an internal note, Outlook quoting. */
export function createRouterTicket(): SummaryComment[] {
  clock = Date.parse('2026-03-02T09:00:00Z');
  return [
    customer(
      `<div dir="ltr">Hi there,<br><br>My AcmeNet X200 router keeps dropping the Wi-Fi connection every few minutes since the firmware update on Friday.&nbsp;I already restarted it twice and the problem is still there.<br><br>Order number is #48213 if that helps.<br><br>Best regards,<br>Jane Doe<br>+1 415 555 0100</div>
<div class="gmail_signature">Jane Doe | Product Designer</div>`,
      0,
      { isHtml: true },
    ),
    agent(
      'Hello Jane,\n\nThank you for contacting Acme support. I am sorry to hear about the dropouts.\nCould you tell me which firmware version the router shows under Settings > About?\n\nKind regards,\nAnna',
      30,
    ),
    customer(
      'It says firmware 4.2.1.\n\nOn Mon, Mar 2, 2026 at 9:30 AM Acme Support <support@acme.example> wrote:\n> Hello Jane,\n> Could you tell me which firmware version the router shows?\n\nSent from my iPhone',
      45,
    ),
    agent(
      'Internal: firmware 4.2.1 has the known Wi-Fi regression (bug NET-812). Customer account PIN is 7731, card on file 4111 1111 1111 1111. Escalated to tier 2.',
      50,
      { isPublic: false },
    ),
    agent(
      `<p>Hi Jane,</p><p>Firmware 4.2.1 has a known issue that causes Wi-Fi dropouts. I have pushed firmware 4.2.3 to your router remotely, which fixes the problem.</p><p>Please restart the router once more tonight and the connection should stay stable.</p><p>Kind regards,<br>Anna<br>Acme Support</p>`,
      120,
      { isHtml: true },
    ),
    customer(
      'Thanks, that worked! The connection has been stable all evening.\n\n________________________________\nFrom: Acme Support <support@acme.example>\nSent: Monday, March 2, 2026 11:00 AM\nTo: Jane Doe\nSubject: Re: Wi-Fi dropouts\n\nHi Jane, Firmware 4.2.1 has a known issue...',
      600,
    ),
  ];
}

/** Japanese: no spaces between words, full-width punctuation and digits. */
export function createJapaneseTicket(): SummaryComment[] {
  clock = Date.parse('2026-04-10T01:00:00Z');
  return [
    customer(
      'お世話になっております。\n先週注文したコーヒーメーカー（注文番号：A-20931）がまだ届いていません。配送状況を確認していただけますか。\n\nよろしくお願いいたします。\n山田太郎',
      0,
      { authorName: '山田太郎' },
    ),
    agent('山田様\n\nお問い合わせありがとうございます。配送業者に確認したところ、荷物が倉庫で止まっていました。', 60, {
      authorName: '佐藤',
    }),
    agent('本日、新しい商品を速達で再発送いたしました。明日の午前中に到着する予定です。ご迷惑をおかけして申し訳ございません。', 90, {
      authorName: '佐藤',
    }),
    customer('届きました。ありがとうございました！', 1500, { authorName: '山田太郎' }),
  ];
}

/** Russian: Cyrillic, a one-time code the customer should not have sent. */
export function createRussianTicket(): SummaryComment[] {
  clock = Date.parse('2026-05-20T07:00:00Z');
  return [
    customer(
      'Здравствуйте!\nНе могу войти в личный кабинет: после ввода пароля приложение просит код подтверждения, но СМС не приходит. Код подтверждения 482913 пришёл только на почту.\n\nС уважением,\nИван Петров',
      0,
      { authorName: 'Иван Петров' },
    ),
    agent(
      'Иван, добрый день! Мы сбросили двухфакторную аутентификацию для вашей учётной записи. Теперь вход работает по паролю, код можно настроить заново в профиле.',
      40,
      {
        authorName: 'Ольга',
      },
    ),
    customer('Спасибо, всё заработало.', 90, { authorName: 'Иван Петров' }),
  ];
}

/** Arabic: right-to-left, Arabic question mark. */
export function createArabicTicket(): SummaryComment[] {
  clock = Date.parse('2026-06-01T10:00:00Z');
  return [
    customer('مرحبا،\nتم خصم المبلغ مرتين من بطاقتي مقابل الطلب رقم 5531. هل يمكنكم استرداد المبلغ المكرر؟', 0, { authorName: 'سارة' }),
    agent('أهلا سارة، تحققنا من الطلب ووجدنا عملية خصم مكررة. تم استرداد المبلغ المكرر إلى بطاقتك وسيظهر خلال ٣ إلى ٥ أيام عمل.', 45, {
      authorName: 'خالد',
    }),
  ];
}

/** Emoji, including ZWJ sequences and flags, in a chat-style ticket. */
export function createEmojiTicket(): SummaryComment[] {
  clock = Date.parse('2026-07-04T12:00:00Z');
  return [
    customer('hey 👋 the family plan 👨‍👩‍👧‍👦 shows only 2 of 4 members 😕 since yesterday. We are in 🇩🇪 if that matters.', 0),
    agent(
      'Thanks for flagging! 🙏 A sync job failed for plans created in Germany. I re-ran it and all 4 members are back on your family plan ✅.',
      20,
    ),
    customer('yes all 4 are there now 🎉🎉', 35),
  ];
}

/** Only automated and empty comments: nothing to summarise. */
export function createSystemOnlyTicket(): SummaryComment[] {
  clock = Date.parse('2026-08-01T00:00:00Z');
  return [
    { authorName: 'System', authorRole: 'system', body: 'Ticket merged into #991.', isHtml: false, isPublic: true, createdAt: at(0) },
    customer('<p>&nbsp;</p><div><br></div>', 1, { isHtml: true }),
    customer('> quoted only\n> nothing new', 2),
  ];
}

// ---------------------------------------------------------------------------------------------
// Long threads


const CUSTOMER_LINES = [
  'The invoice for March still shows the old price of 49 EUR instead of 39 EUR.',
  'I tried again this morning and the export to CSV fails with error code 5028.',
  'Our team of 12 people cannot log in since the SSO change.',
  'Is there any update on this? We need the report for the board meeting on Friday.',
  'I attached a screenshot of the error message.',
  'The mobile app crashes when I open the dashboard on Android 15.',
  'Can you also check why the second user was charged twice?',
  'We rely on this integration for our daily shipping labels.',
];
const AGENT_LINES = [
  'I have forwarded the logs to our engineering team.',
  'Could you try clearing the cache and logging in again?',
  'Our engineers found a bug in the SSO configuration for your workspace.',
  'I corrected the price on the March invoice and issued a credit of 10 EUR.',
  'The fix for the CSV export was deployed this afternoon.',
  'I refunded the duplicate charge; it will appear within 5 business days.',
  'Thanks for your patience while we look into this.',
  'Can you confirm whether the problem still happens on version 8.4?',
];

/**
 * A thread of `count` comments alternating customer and agent (with some internal notes), built
 * from the phrases above plus quoted replies and signatures, as a long real ticket looks.
 */
export function createLongThread(count: number, seed = 42): SummaryComment[] {
  const random = createRandom(seed);
  const pick = (lines: readonly string[]): string => lines[Math.floor(random() * lines.length)] ?? '';
  const start = Date.parse('2026-01-05T08:00:00Z');
  const comments: SummaryComment[] = [];
  for (let i = 0; i < count; i++) {
    const isCustomer = i % 2 === 0;
    const createdAt = new Date(start + i * 17 * 60_000).toISOString();
    if (i === 0) {
      comments.push({
        authorName: 'Maria Lopez',
        authorRole: 'end-user',
        body: '<p>Hello,</p><p>Since the update our workspace cannot export invoices: every CSV export fails with error code 5028. We need the March invoices for our accountant.</p><p>Thanks,<br>Maria</p>',
        isHtml: true,
        isPublic: true,
        createdAt,
      });
      continue;
    }
    if (i === count - 1 && count > 1) {
      comments.push({
        authorName: 'Tom Reed',
        authorRole: 'agent',
        body: 'Hi Maria,\n\nThe fix for the CSV export was deployed and your March invoices are exported again. I also added a credit of 10 EUR to your account for the trouble.\n\nBest regards,\nTom',
        isHtml: false,
        isPublic: true,
        createdAt,
      });
      continue;
    }
    const sentences = [pick(isCustomer ? CUSTOMER_LINES : AGENT_LINES), pick(isCustomer ? CUSTOMER_LINES : AGENT_LINES)];
    let body = sentences.join(' ');
    if (isCustomer && random() < 0.4) {
      body += `\n\nOn Tue, Jan 6, 2026 at 10:${String(i % 60).padStart(2, '0')} AM Support <help@example.com> wrote:\n> ${pick(AGENT_LINES)}\n> ${pick(AGENT_LINES)}`;
    }
    if (!isCustomer && random() < 0.5) body = `Hi Maria,\n\n${body}\n\nBest regards,\nTom\nSupport Team`;
    const isInternal = !isCustomer && random() < 0.15;
    comments.push({
      authorName: isCustomer ? 'Maria Lopez' : 'Tom Reed',
      authorRole: isCustomer ? 'end-user' : 'agent',
      body: isInternal
        ? `Internal: customer is on the enterprise plan, password reset token abcDEF1234567890abcDEF1234567890xyz. ${body}`
        : body,
      isHtml: false,
      isPublic: !isInternal,
      createdAt,
    });
  }
  return comments;
}
