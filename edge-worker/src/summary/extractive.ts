// Deterministic extractive summary of a prepared conversation: picks the most informative whole
// sentences and keeps them in conversation order. Pure; no network; same input, same output; the
// result never exceeds the budget (code points).
//
// Scoring: a sentence is worth the TF-IDF weight of its distinct content words (term frequency over
// the whole conversation times inverse sentence frequency), divided by the square root of its word
// count so long sentences do not win by length alone. Then:
//   x2.0  sentences of the customer's first message (it states the problem); its first two x1.5 / x1.25
//   x1.8  sentences of the last agent message (it states the resolution)
//   x1.2  the last message, whoever wrote it (often "that worked, thanks")
//   x1.3  resolution words (refunded, replaced, fixed, 解決, возврат, ...)
//   x0.7  internal notes (only present when the caller included them); x0.7 agent questions
//   x0.1  greetings, thanks and pleasantries; x0.3 lines that are mostly digits or symbols (logs)
// Selection is greedy by score (ties: earlier first), skipping near-duplicates and sentences that
// no longer fit, so a short budget still gets the problem and the resolution when they fit.
import { countChars, fitToBudget, findSentenceSpans, isCjkChar, splitWords, truncateAtWordBoundary } from './text.ts';
import type { PreparedComment } from './types.ts';

type Sentence = {
  /** Order in the conversation. */
  index: number;
  comment: number;
  /** Position among the comment's sentences, salutations not counted (-1 for a salutation). */
  position: number;
  /** The sentence as it will be printed: whitespace collapsed, terminated. */
  text: string;
  /** An address or greeting line ("Hi Jane,"): kept out of the summary entirely. */
  isSalutation: boolean;
  length: number;
  /** Distinct content words. */
  words: ReadonlySet<string>;
  /** Content words with repeats (term frequency). */
  contentWords: readonly string[];
  wordCount: number;
  /** Product of the sentence's own weights (resolution, internal, question, pleasantry, noise). */
  factor: number;
  score: number;
};

// Function words of the languages support mail mostly comes in; other words are weighed by IDF.
const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from into onto about as is are was were be been being ' +
    'am do does did done have has had having i me my mine we us our you your yours he him his she her it its they ' +
    'them their this that these those there here what which who whom whose when where why how all any both each few ' +
    'more most other some such no nor not only own same than too very can could will would shall should may might ' +
    'must just also still yet again ever even please thanks thank hi hello hey dear regards ok okay yes yeah got get ' +
    'im ive dont doesnt didnt cant wont isnt arent wasnt its i’m i’ve don’t can’t won’t let know would like ' +
    'и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня ' +
    'еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там ' +
    'потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже ' +
    'себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее ' +
    'здравствуйте спасибо пожалуйста ' +
    'el la los las de del y o que en un una por con para es no se lo al su sus le les como más pero hola gracias ' +
    'le la les de des du et ou que qui en un une pour par avec est pas ne se ce il elle nous vous je bonjour merci ' +
    'der die das und oder ist nicht ein eine zu mit auf für von den dem des im ich sie wir es hallo danke bitte ' +
    'في من على إلى عن مع هذا هذه ذلك التي الذي أن إن كان لا ما هل و أو ثم قد'
  ).split(' '),
);

const GREETING_EN =
  /^(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings|thanks?|thank you|many thanks|cheers|regards|best|kind regards|hope (this|you|that)|please (let|feel|do not|don't)|let (me|us) know|feel free|is there anything else|have a (nice|great|good|lovely)|sorry for|(we|i) apologi[sz]e|apologies|no problem|you'?re welcome|my pleasure|glad (to|i|we)|happy to help)\b/i;
const GREETING_OTHER =
  /^(?:[\p{L}-]+,\s*)?(здравствуйте|добрый (день|вечер)|доброе утро|привет|спасибо|с уважением|пожалуйста|hola|gracias|buenos días|bonjour|merci|hallo|guten tag|danke|こんにちは|お世話になって|ありがとう|よろしく|申し訳|お問い合わせ|您好|你好|谢谢|مرحبا|شكرا|السلام عليكم|أهلا)/iu;
/** Words of an address line; with at most one other word (a name) the line is a salutation. */
const GREETING_WORDS = new Set(
  (
    'hi hello hey dear good morning afternoon evening there team all everyone folks greetings ' +
    'здравствуйте добрый доброе день вечер утро привет hola buenos días buenas tardes bonjour hallo guten tag ' +
    'こんにちは 您好 你好 مرحبا أهلا السلام عليكم'
  ).split(' '),
);
const RESOLUTION_EN =
  /\b(resolved|fixed|refund(ed)?|replac(ed|ement)|reset|restored|credited|reimbursed|shipped|dispatched|re-?sent|cancell?ed|unlocked|reactivated|solved|updated|corrected|issued|works? now|working now|back online)\b/i;
const RESOLUTION_OTHER =
  /(решен|решён|исправ|возврат|вернули|заменил|отправили|восстановл|解決|返金|交換|修正|再送|発送|対応しました|已解决|退款|已修复|تم حل|تم إصلاح|استرداد|تم إرسال|reembols|solucionad|remboursé|résolu|erstattet|behoben|gelöst)/iu;
const TERMINAL = /[.!?…。！？؟»"”’)\]」』）]$|\p{Extended_Pictographic}\ufe0f?$/u;
/** "Hi Jane,", "Dear Anna,", "山田様", "Иван, добрый день!": an address line, never summary material. */
const SALUTATION_END = /[,،、，]$|(様|さま|さん|殿)[。、]?$/u;
const QUESTION_END = /[?？؟]$/;
const NON_ASCII = /[\u0080-\u{10ffff}]/u;

const WEIGHT_FIRST_CUSTOMER = 2.0;
const WEIGHT_FIRST_SENTENCE = 1.5;
const WEIGHT_SECOND_SENTENCE = 1.25;
const WEIGHT_LAST_AGENT = 1.8;
const WEIGHT_LAST_MESSAGE = 1.2;
const WEIGHT_RESOLUTION = 1.3;
const WEIGHT_INTERNAL = 0.7;
const WEIGHT_AGENT_QUESTION = 0.7;
const WEIGHT_PLEASANTRY = 0.1;
const WEIGHT_NOISE = 0.3;
const DUPLICATE_OVERLAP = 0.7;
/** Sentences longer than this are never picked whole (a pasted log line is not a summary). */
const MAX_SENTENCE_CHARS = 600;

function isContentWord(word: string): boolean {
  if (STOPWORDS.has(word)) return false;
  // One-character tokens carry meaning only in Chinese/Japanese kanji; elsewhere they are noise
  // (Japanese particles in the per-character fallback, stray letters).
  if (countChars(word) === 1) return /\p{Script=Han}/u.test(word);
  return true;
}

/** Collapse whitespace and end the sentence with a full stop if it has none ("。" after CJK). */
function formatSentence(raw: string): string {
  const text = raw
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[,;:،、，；：]+$/u, '');
  if (text === '' || TERMINAL.test(text)) return text;
  const lastCode = text.codePointAt(text.length - 1) ?? 0;
  const last = lastCode >= 0xdc00 && lastCode <= 0xdfff ? text.slice(-2) : text.slice(-1);
  return text + (isCjkChar(last) ? '。' : '.');
}

/** Share of visible characters that belong to words with letters: low for logs, ids, stack traces. */
function measureWordiness(text: string, words: readonly string[]): number {
  let visible = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 32) visible++;
  let wordy = 0;
  for (const word of words) if (!/^[0-9]+$/.test(word)) wordy += word.length;
  return visible === 0 ? 1 : wordy / visible;
}

function readSentences(comments: readonly PreparedComment[]): Sentence[] {
  const sentences: Sentence[] = [];
  comments.forEach((comment, commentIndex) => {
    let position = 0;
    for (const span of findSentenceSpans(comment.text)) {
      const raw = comment.text.slice(span.start, span.end).trim();
      const text = formatSentence(raw);
      if (text === '') continue;
      const allWords = splitWords(text);
      const contentWords = allWords.filter(isContentWord);
      const isGreeting = GREETING_EN.test(raw) || GREETING_OTHER.test(raw);
      const isSalutation =
        allWords.length <= 4 &&
        (SALUTATION_END.test(raw) || (isGreeting && allWords.filter((word) => !GREETING_WORDS.has(word)).length <= 1));
      const words = new Set(contentWords);
      let factor = 1;
      if (RESOLUTION_EN.test(text) || (NON_ASCII.test(text) && RESOLUTION_OTHER.test(text))) factor *= WEIGHT_RESOLUTION;
      if (!comment.isPublic) factor *= WEIGHT_INTERNAL;
      if (comment.role === 'agent' && QUESTION_END.test(text)) factor *= WEIGHT_AGENT_QUESTION;
      if (isGreeting && words.size <= 6) factor *= WEIGHT_PLEASANTRY;
      if (measureWordiness(text, allWords) < 0.5) factor *= WEIGHT_NOISE;
      sentences.push({
        index: sentences.length,
        comment: commentIndex,
        // Salutations do not count: "Hi there," does not make the problem statement the second sentence.
        position: isSalutation ? -1 : position++,
        text,
        isSalutation,
        length: countChars(text),
        words,
        contentWords,
        wordCount: Math.max(allWords.length, 1),
        factor,
        score: 0,
      });
    }
  });
  return sentences;
}

function scoreSentences(sentences: Sentence[], comments: readonly PreparedComment[]): void {
  const firstCustomer = comments.findIndex((comment) => comment.role === 'customer');
  let lastAgent = -1;
  comments.forEach((comment, index) => {
    if (comment.role === 'agent' && comment.isPublic) lastAgent = index;
  });
  if (lastAgent === -1) lastAgent = comments.findLastIndex((comment) => comment.role === 'agent');
  const lastComment = comments.length - 1;

  const documentFrequency = new Map<string, number>();
  const termFrequency = new Map<string, number>();
  for (const sentence of sentences) {
    for (const word of sentence.words) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
    for (const word of sentence.contentWords) termFrequency.set(word, (termFrequency.get(word) ?? 0) + 1);
  }
  const total = Math.max(sentences.length, 1);

  for (const sentence of sentences) {
    if (sentence.isSalutation) continue;
    let weight = 0;
    for (const word of sentence.words) {
      const df = documentFrequency.get(word) ?? 1;
      const tf = termFrequency.get(word) ?? 1;
      weight += Math.log(1 + tf) * Math.log(1 + total / df);
    }
    let score = (weight / Math.sqrt(sentence.wordCount)) * sentence.factor;
    if (sentence.comment === firstCustomer) {
      score *= WEIGHT_FIRST_CUSTOMER;
      if (sentence.position === 0) score *= WEIGHT_FIRST_SENTENCE;
      else if (sentence.position === 1) score *= WEIGHT_SECOND_SENTENCE;
    }
    if (sentence.comment === lastAgent) score *= WEIGHT_LAST_AGENT;
    if (sentence.comment === lastComment && lastComment !== firstCustomer) score *= WEIGHT_LAST_MESSAGE;
    sentence.score = score;
  }
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / Math.min(a.size, b.size);
}

function compareByPosition(a: Sentence, b: Sentence): number {
  return a.index - b.index;
}

/** Join sentences with a space, or with nothing between two CJK sentences (Japanese uses no spaces). */
function joinSentences(sentences: readonly Sentence[]): string {
  let out = '';
  for (const sentence of sentences) {
    if (out !== '') {
      const previous = Array.from(out).pop() ?? '';
      const next = sentence.text.charAt(0);
      if (!(isCjkChar(previous) && isCjkChar(next))) out += ' ';
    }
    out += sentence.text;
  }
  return out;
}

/**
 * Summarise prepared comments (cleaned, redacted, filtered) in at most `budgetChars` code points.
 * Returns '' only when there is no sentence at all.
 */
export function summarizeExtractive(comments: readonly PreparedComment[], budgetChars: number): string {
  const budget = Math.floor(budgetChars);
  if (!(budget >= 1)) return '';
  const sentences = readSentences(comments);
  if (sentences.length === 0) return '';
  scoreSentences(sentences, comments);

  const ranked = [...sentences].sort((a, b) => b.score - a.score || compareByPosition(a, b));
  const chosen: Sentence[] = [];
  let used = 0;
  for (const sentence of ranked) {
    if (sentence.isSalutation) continue;
    if (sentence.score <= 0 && chosen.length > 0) break;
    if (sentence.length > MAX_SENTENCE_CHARS) continue;
    // Every sentence after the first may need one separating space: count it to stay in budget.
    const cost = sentence.length + (chosen.length > 0 ? 1 : 0);
    if (used + cost > budget) continue;
    if (chosen.some((other) => overlap(other.words, sentence.words) >= DUPLICATE_OVERLAP)) continue;
    chosen.push(sentence);
    used += cost;
    if (budget - used < 2) break;
  }

  if (chosen.length === 0) {
    // Not even one sentence fits: cut the best one at a word boundary, with "...".
    const best = ranked.find((sentence) => !sentence.isSalutation) ?? ranked[0];
    return best ? truncateAtWordBoundary(best.text, budget) : '';
  }
  chosen.sort(compareByPosition);
  // The separator accounting above already guarantees the budget; fitToBudget is the safety net.
  return fitToBudget(joinSentences(chosen), budget);
}
