/**
 * The prompt blocklist, pure. Text is normalised before matching so that look-alike Unicode, accents,
 * case, leetspeak, spacing and punctuation do not slip a term through; terms match whole words
 * (after normalisation), so a blocked word inside an innocent one ("Scunthorpe") does not.
 *
 * Entries: a word or phrase (`bad word`) matches whole words; a trailing `*` (`bomb*`) also matches
 * words that start with it; `/regex/` is tested against the normalised text (lower-case letters and
 * single spaces), once for each reading of `1 | !`.
 */
interface Term {
  tokens: string[];
  prefix: boolean;
}

export interface Blocklist {
  terms: Term[];
  /** Terms by their first word, so a long prompt against a long list stays a lookup per word. */
  byFirstWord: Map<string, Term[]>;
  /** One-word `word*` terms, whose first word is only a prefix. */
  prefixWords: string[];
  /** Every term's words joined, for spaced-out runs of letters. */
  joined: string[];
  patterns: RegExp[];
}

export type BlocklistMatch = { kind: 'term' | 'pattern' };

/** Letters that look like Latin ones, from the scripts most often used to dodge filters. */
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ɡ: 'g',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
};

/** Leetspeak: digits and symbols that stand for letters. `1`, `|` and `!` are read both as i and as l. */
const LEET: Record<string, string> = {
  '0': 'o',
  '2': 'z',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '6': 'g',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '€': 'e',
  '£': 'l',
  '+': 't',
  '¡': 'i',
};
const AMBIGUOUS = /[1|!]/g;

/** Case, compatibility forms (full-width, ligatures), accents and invisible characters removed. */
function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .replace(/./gsu, (ch) => CONFUSABLES[ch] ?? LEET[ch] ?? ch);
}

/** Runs of one letter count once ("kiiill" is "kil"), on both sides of a comparison. */
const squeeze = (word: string) => word.replace(/(\p{L})\1+/gu, '$1');

const words = (text: string) => text.split(/[^\p{L}]+/u).filter(Boolean);

/** `1 | !` read as i, as l, and as the punctuation they may just be. */
const variants = (folded: string) =>
  new Set([folded.replace(AMBIGUOUS, 'i'), folded.replace(AMBIGUOUS, 'l'), folded.replace(AMBIGUOUS, ' ')]);

interface Reading {
  /** Whole words, compared with terms word by word. */
  words: string[];
  /** Runs of spaced-out single letters ("b o m b" → "bomb"), which have no word boundaries left. */
  runs: string[];
}

/**
 * The ways a prompt is read: split at every non-letter, and split at whitespace only with the
 * symbols inside a word dropped ("bo.mb", "ki-ll"); each with `1 | !` read as i and as l.
 */
function readings(prompt: string): Reading[] {
  const folded = fold(prompt);
  const result: Reading[] = [];
  for (const variant of variants(folded)) {
    const split = words(variant);
    const runs: string[] = [];
    let run = '';
    for (const word of [...split, '']) {
      if (word.length === 1) {
        run += word;
        continue;
      }
      if (run.length >= 3) runs.push(squeeze(run));
      run = '';
    }
    const glued = variant
      .split(/\s+/u)
      .map((chunk) => chunk.replace(/[^\p{L}]+/gu, ''))
      .filter(Boolean);
    result.push({ words: split.map(squeeze), runs }, { words: glued.map(squeeze), runs: [] });
  }
  return result;
}

/** The normalised text (lower-case letters, single spaces), with `1 | !` taken as punctuation. */
export function normalizePrompt(prompt: string): string {
  return words(fold(prompt).replace(AMBIGUOUS, ' ')).join(' ');
}

/** Compiles entries once (at start); a bad regex is the operator's error, reported by config. */
export function compileBlocklist(entries: readonly string[]): Blocklist {
  const blocklist: Blocklist = {
    terms: [],
    byFirstWord: new Map(),
    prefixWords: [],
    joined: [],
    patterns: [],
  };
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry);
    if (regex?.[1]) {
      blocklist.patterns.push(new RegExp(regex[1], `${(regex[2] ?? '').replace(/[gyu]/g, '')}u`));
      continue;
    }
    const prefix = entry.endsWith('*');
    const tokens = words(fold(prefix ? entry.slice(0, -1) : entry)).map(squeeze);
    const [first] = tokens;
    if (first === undefined) continue;
    const term = { tokens, prefix };
    blocklist.terms.push(term);
    blocklist.joined.push(squeeze(tokens.join('')));
    if (prefix && tokens.length === 1) blocklist.prefixWords.push(first);
    else blocklist.byFirstWord.set(first, [...(blocklist.byFirstWord.get(first) ?? []), term]);
  }
  return blocklist;
}

function matchesAt(tokens: string[], at: number, term: Term): boolean {
  return term.tokens.every((wanted, i) => {
    const token = tokens[at + i];
    if (token === undefined) return false;
    const last = i === term.tokens.length - 1;
    return last && term.prefix ? token.startsWith(wanted) : token === wanted;
  });
}

/** Whether the prompt holds a blocked term or pattern; says which kind only, never the term. */
export function findBlocked(blocklist: Blocklist, prompt: string): BlocklistMatch | undefined {
  if (blocklist.terms.length > 0) {
    for (const reading of readings(prompt)) {
      for (let at = 0; at < reading.words.length; at++) {
        const word = reading.words[at] ?? '';
        const candidates = blocklist.byFirstWord.get(word);
        if (candidates?.some((term) => matchesAt(reading.words, at, term))) return { kind: 'term' };
        if (blocklist.prefixWords.some((start) => word.startsWith(start))) return { kind: 'term' };
      }
      if (reading.runs.some((run) => blocklist.joined.some((term) => run.includes(term))))
        return { kind: 'term' };
    }
  }
  if (blocklist.patterns.length > 0) {
    // regex entries see each reading of `1 | !` too
    for (const variant of variants(fold(prompt))) {
      const text = words(variant).join(' ');
      if (blocklist.patterns.some((pattern) => pattern.test(text))) return { kind: 'pattern' };
    }
  }
  return undefined;
}
