// Specification of comment cleaning: HTML to text, quoted replies, signatures, whitespace.
import { describe, expect, it } from 'vitest';
import { cleanCommentBody, decodeHtmlEntities, htmlToText, normalizeWhitespace, stripQuotedReplies, stripSignature } from './clean.ts';

describe('htmlToText', () => {
  it('turns <br> and block elements into line breaks and decodes entities', () => {
    const html = '<p>Hello&nbsp;Jane,</p><p>Fish &amp; chips &lt;3 &#8364;5 &#x1F600; &hellip;<br>second line</p>';
    expect(normalizeWhitespace(htmlToText(html))).toBe('Hello Jane,\nFish & chips <3 €5 😀 …\nsecond line');
  });

  it('drops scripts, styles, head and comments', () => {
    const html =
      '<html><head><title>Mail</title><style>p { color: red }</style></head><body><!-- tracking --><script>alert("<p>x</p>")</script><p>Real text</p></body></html>';
    expect(normalizeWhitespace(htmlToText(html))).toBe('Real text');
  });

  it('renders list items with a dash', () => {
    expect(normalizeWhitespace(htmlToText('<ul><li>one</li><li>two</li></ul>'))).toBe('- one\n- two');
  });

  it('drops a Gmail quote and signature container, nested divs included', () => {
    const html =
      '<div dir="ltr">It works now.<div class="gmail_signature"><div>Jane</div><div>Designer</div></div></div><div class="gmail_quote"><div class="gmail_attr">On Mon wrote:</div><blockquote class="gmail_quote"><div>old</div><div>older</div></blockquote></div>';
    expect(normalizeWhitespace(htmlToText(html))).toBe('It works now.');
  });

  it('drops <blockquote> but keeps text written after it', () => {
    const html = '<blockquote>Did the reset work?</blockquote><p>Yes, it did.</p>';
    expect(normalizeWhitespace(htmlToText(html))).toBe('Yes, it did.');
  });

  it('cuts everything after an Outlook reply header', () => {
    const html = '<div>Please cancel the order.</div><hr><div id="divRplyFwdMsg"><b>From:</b> Acme</div><div>Hello, your order ...</div>';
    expect(normalizeWhitespace(htmlToText(html))).toBe('Please cancel the order.');
  });

  it('survives malformed HTML', () => {
    expect(normalizeWhitespace(htmlToText('<p>Unclosed <b>bold <i>text'))).toBe('Unclosed bold text');
    expect(normalizeWhitespace(htmlToText('a < b and c > d'))).toBe('a < b and c > d');
  });
});

describe('decodeHtmlEntities', () => {
  it('leaves unknown and invalid references readable', () => {
    expect(decodeHtmlEntities('&unknown; &#0; &#xD800; AT&T')).toBe('&unknown; \ufffd \ufffd AT&T');
  });
});

describe('stripQuotedReplies', () => {
  it('cuts a top-posted Gmail quote without ">" markers', () => {
    const text =
      'It says firmware 4.2.1.\n\nOn Mon, Mar 2, 2026 at 9:30 AM Acme Support <support@acme.example> wrote:\nHello Jane,\nWhich firmware?';
    expect(stripQuotedReplies(text).trim()).toBe('It says firmware 4.2.1.');
  });

  it('recognises a reply header wrapped over two lines', () => {
    const text = 'Thanks, that worked!\n\nOn Tue, Jan 6, 2026 at 9:12 AM Anna from Acme <\nsupport@acme.com> wrote:\n> I reset it.';
    expect(stripQuotedReplies(text).trim()).toBe('Thanks, that worked!');
  });

  it('keeps a reply written below a ">" quote (bottom-posting)', () => {
    const text = 'On Tue, Jan 6, 2026, Anna wrote:\n> Did the reset work?\n> Anna\n\nYes it did.';
    expect(stripQuotedReplies(text).trim()).toBe('Yes it did.');
  });

  it('drops interleaved ">" lines and keeps the answers', () => {
    const text = '> Which model?\nX200\n> Which firmware?\n4.2.1';
    expect(stripQuotedReplies(text)).toBe('X200\n4.2.1');
  });

  it('cuts at "-----Original Message-----" and its translations', () => {
    expect(stripQuotedReplies('Cancel it.\n-----Original Message-----\nFrom: x').trim()).toBe('Cancel it.');
    expect(stripQuotedReplies('Bitte stornieren.\n-----Ursprüngliche Nachricht-----\nVon: x').trim()).toBe('Bitte stornieren.');
  });

  it("cuts at an Outlook header block and at Zendesk's reply delimiter", () => {
    const outlook =
      'Please cancel it.\n\n________________________________\nFrom: Acme <a@b.c>\nSent: Monday\nTo: Jane\nSubject: Re: order\n\nHello';
    expect(stripQuotedReplies(outlook).trim()).toBe('Please cancel it.');
    const zendesk = 'New answer\n##- Please type your reply above this line -##\nOld notification';
    expect(stripQuotedReplies(zendesk).trim()).toBe('New answer');
  });

  it('recognises French, German, Russian, Japanese and Arabic reply headers', () => {
    const headers = [
      'Le lun. 2 mars 2026 à 09:30, Acme <a@b.c> a écrit :',
      'Am Mo., 2. März 2026 um 09:30 Uhr schrieb Acme <a@b.c>:',
      'Пн, 2 мар. 2026 г. в 09:30, Acme <a@b.c> пишет:',
      '2026年3月2日(月) 9:30 Acme <a@b.c>:',
      'في الاثنين، 2 مارس 2026 في 9:30 ص كتب Acme <a@b.c>:',
    ];
    for (const header of headers) {
      expect(stripQuotedReplies(`Answer.\n${header}\nquoted text`).trim(), header).toBe('Answer.');
    }
  });

  it('keeps forwarded content but not its header lines', () => {
    const text =
      'See below.\n---------- Forwarded message ---------\nFrom: Shop <s@x.y>\nDate: Mon, Mar 2, 2026\nSubject: Your order\nTo: Jane\n\nYour order 48213 was cancelled.';
    expect(normalizeWhitespace(stripQuotedReplies(text))).toBe('See below.\nYour order 48213 was cancelled.');
  });
});

describe('stripSignature', () => {
  it('cuts at the "-- " delimiter', () => {
    expect(stripSignature('The refund arrived.\n-- \nJane Doe\nDesigner').trim()).toBe('The refund arrived.');
  });

  it('cuts mobile signatures in several languages', () => {
    for (const line of [
      'Sent from my iPhone',
      'Get Outlook for Android',
      'Envoyé de mon iPhone',
      'Von meinem iPhone gesendet',
      'Отправлено с iPhone',
      'iPhoneから送信',
    ]) {
      expect(stripSignature(`It works.\n\n${line}`).trim(), line).toBe('It works.');
    }
  });

  it('cuts a sign-off followed by a short name block', () => {
    const text =
      'The refund was issued today.\n\nBest regards,\nAnna Smith\nCustomer Support | Acme Inc.\n+1 415 555 0100\nhttps://acme.example';
    expect(stripSignature(text).trim()).toBe('The refund was issued today.');
  });

  it('cuts sign-offs with a name on the same line and in other languages', () => {
    expect(stripSignature('Done.\nThanks, Anna').trim()).toBe('Done.');
    expect(stripSignature('Готово.\nС уважением,\nИван Петров').trim()).toBe('Готово.');
    expect(stripSignature('届きました。\nよろしくお願いいたします。\n山田太郎').trim()).toBe('届きました。');
  });

  it('keeps sentences that merely start like a sign-off', () => {
    expect(stripSignature('Thanks, that worked!').trim()).toBe('Thanks, that worked!');
    expect(stripSignature('Thanks for the quick fix, the router is stable now.').trim()).toBe(
      'Thanks for the quick fix, the router is stable now.',
    );
  });

  it('keeps a sign-off followed by long content lines (not a signature)', () => {
    const text =
      'Regards\nThe router keeps dropping the connection whenever the microwave in the kitchen is switched on, every single time.';
    expect(stripSignature(text)).toBe(text);
  });
});

describe('cleanCommentBody', () => {
  it('cleans a full HTML e-mail: quote, signature, entities, whitespace', () => {
    const html =
      '<div dir="ltr">Hi team,<br><br>My order #48213 arrived with a cracked screen.&nbsp;Can you send a replacement?<br><br>Best regards,<br>Jane Doe<br>+1 415 555 0100</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Jan 5, 2026 at 10:00 AM Acme Support &lt;support@acme.com&gt; wrote:<br></div><blockquote class="gmail_quote">Hello Jane, thanks for contacting us.</blockquote></div>';
    expect(cleanCommentBody(html, true)).toBe('Hi team,\n\nMy order #48213 arrived with a cracked screen. Can you send a replacement?');
  });

  it('cleans plain text: CRLF, odd spaces, zero-width characters, blank-line runs', () => {
    const text = 'Line\u00a0one \t with  spaces\r\n\r\n\r\n\r\nLine\u200b two\r\n';
    expect(cleanCommentBody(text, false)).toBe('Line one with spaces\n\nLine two');
  });

  it('keeps emoji sequences intact (zero-width joiners are not removed)', () => {
    expect(cleanCommentBody('family 👨‍👩‍👧‍👦 plan', false)).toBe('family 👨‍👩‍👧‍👦 plan');
  });

  it('does not treat HTML-looking text in a plain body as markup', () => {
    expect(cleanCommentBody('Use <b> tags & entities like &amp;', false)).toBe('Use <b> tags & entities like &amp;');
  });
});
