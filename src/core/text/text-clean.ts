// OpenAI's text clean-up before tokenizing: ftfy.fix_text (but its mojibake repair), html.unescape
// twice, Python's whitespace rules and str.lower() (details: docs/internals.md#the-clip-tokenizer).
import { entityTables } from './html-entities';

// Windows-1252 for bytes 0x80–0x9F, the five unassigned bytes passing through: what Python's
// html.unescape uses for &#128;–&#159; and what ftfy's "sloppy-windows-1252" decodes.
const CP1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
  0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
  0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

// ---- Python's html.unescape (3.11) --------------------------------------------------------------

// `u`: Python counts the {1,32} in code points.
const CHARREF_RE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Python's `html.unescape`: HTML5 named references (the legacy ones also without ';', longest
 * prefix first), numeric ones with the HTML5 rules for invalid code points. */
export function pythonHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF_RE, (_match, ref: string) => replaceCharref(ref));
}

function replaceCharref(ref: string): string {
  if (ref.charCodeAt(0) === 0x23 /* # */) {
    const hex = ref[1] === 'x' || ref[1] === 'X';
    const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '').replace(/^0+/, '');
    // Python's int() has no limit; anything with more digits than 0x10FFFF is out of range.
    const num = digits.length > (hex ? 6 : 7) ? Infinity : digits === '' ? 0 : parseInt(digits, hex ? 16 : 10);
    return numericCharref(num);
  }
  const { withSemicolon, legacy, longestLegacy } = entityTables();
  const exact = ref.endsWith(';') ? withSemicolon.get(ref.slice(0, -1)) : legacy.get(ref);
  if (exact !== undefined) return exact;
  // Only the final character can be ';', so a shorter prefix can only be a legacy name; those
  // are ASCII, so UTF-16 and code point prefixes agree wherever one can match.
  for (let x = Math.min(ref.length - 1, longestLegacy); x >= 2; x--) {
    const value = legacy.get(ref.slice(0, x));
    if (value !== undefined) return value + ref.slice(x);
  }
  return '&' + ref;
}

function numericCharref(num: number): string {
  if (num === 0) return '\ufffd';
  if (num === 0x0d) return '\r';
  if (num >= 0x80 && num <= 0x9f) return String.fromCharCode(CP1252_C1[num - 0x80] ?? num);
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  const invalid =
    (num >= 0x01 && num <= 0x08) ||
    num === 0x0b ||
    (num >= 0x0e && num <= 0x1f) ||
    num === 0x7f ||
    (num >= 0xfdd0 && num <= 0xfdef) ||
    (num & 0xfffe) === 0xfffe;
  return invalid ? '' : String.fromCodePoint(num);
}

// ---- ftfy 6.3.1 fix_text, minus fix_encoding ----------------------------------------------------

const MAX_SEGMENT = 1_000_000; // ftfy's max_decode_length, in code points

/** `ftfy.fix_text(text)` with the default configuration except that mojibake is left as is. */
export function ftfyFixText(text: string): string {
  let out = '';
  let unescape = true;
  for (let pos = 0; pos < text.length; ) {
    const end = segmentEnd(text, pos);
    const segment = text.slice(pos, end);
    // "auto": a '<' says the text is HTML, whose entities are meant; this sticks for the rest.
    if (unescape && segment.includes('<')) unescape = false;
    out += fixSegment(segment, unescape);
    pos = end;
  }
  return out;
}

function segmentEnd(text: string, pos: number): number {
  const newline = text.indexOf('\n', pos);
  const end = newline === -1 ? text.length : newline + 1;
  if (end - pos <= MAX_SEGMENT) return end;
  let i = pos;
  for (let count = 0; count < MAX_SEGMENT && i < end; count++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < end && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += pair ? 2 : 1;
  }
  return i;
}

const TRANSLATED_RE = /[\x80-\x9f\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3\u02bc\u2018-\u201f\u3000\ufb00-\ufb06\uff01-\uffef]/g;
const LINE_BREAK_RE = /\r\n?|[\u2028\u2029\x85]/g;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Python's `\d` in a str pattern is any decimal digit, not just ASCII.
const TERMINAL_ESCAPE_RE = /\x1b\[((?:\p{Nd}|;)*)([a-zA-Z])/gu;
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

// ftfy repeats its fixes until nothing changes, and each round unescapes one more level of
// nested entities: '&' followed by 'amp;' 200,000 times takes 200,000 rounds over the whole line,
// hours in Python. Past this budget (thousands of rounds for a caption, 64 for a 1 MB line) the
// text of the last round is kept; only such deliberately nested entities come near it.
const ROUND_BUDGET = 1 << 26; // code units processed per segment
const MIN_ROUNDS = 64;

function fixSegment(segment: string, unescape: boolean): string {
  let text = segment;
  const maxRounds = Math.max(MIN_ROUNDS, Math.floor(ROUND_BUDGET / Math.max(1, segment.length)));
  for (let round = 0; round < maxRounds; round++) {
    const before = text;
    if (unescape) text = ftfyUnescapeHtml(text);
    // fix_c1_controls, fix_latin_ligatures, fix_character_width and uncurl_quotes each map one
    // character to a string, in this order, so one composed table does all four.
    text = text.replace(TRANSLATED_RE, (ch) => translatedTable().get(ch) ?? ch);
    text = text.replace(LINE_BREAK_RE, '\n');
    text = text.replace(LONE_SURROGATE_RE, '\ufffd');
    if (text.includes('\x1b')) text = text.replace(TERMINAL_ESCAPE_RE, '');
    text = text.replace(CONTROL_RE, '');
    text = text.normalize('NFC');
    if (text === before) return text;
  }
  return text;
}

const LIGATURES: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž',
  'ǆ': 'dž', 'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj', 'ﬀ': 'ff',
  'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};

let translated: Map<string, string> | undefined;

function translatedTable(): Map<string, string> {
  if (translated !== undefined) return translated;
  const step = (text: string, map: (ch: string) => string | undefined): string =>
    Array.from(text, (ch) => map(ch) ?? ch).join('');
  const c1 = (ch: string): string | undefined => {
    const code = ch.charCodeAt(0);
    return code >= 0x80 && code <= 0x9f ? String.fromCharCode(CP1252_C1[code - 0x80] ?? code) : undefined;
  };
  // U+3000 IDEOGRAPHIC SPACE, then every halfwidth/fullwidth form that NFKC changes.
  const width = (ch: string): string | undefined => {
    const code = ch.charCodeAt(0);
    if (code === 0x3000) return ' ';
    if (code < 0xff01 || code > 0xffef) return undefined;
    const alt = ch.normalize('NFKC');
    return alt === ch ? undefined : alt;
  };
  const quote = (ch: string): string | undefined =>
    /[\u02bc\u2018-\u201b]/.test(ch) ? "'" : /[\u201c-\u201f]/.test(ch) ? '"' : undefined;
  translated = new Map();
  const domain = [0x3000, 0x2bc];
  for (let c = 0x80; c <= 0x9f; c++) domain.push(c);
  for (let c = 0x2018; c <= 0x201f; c++) domain.push(c);
  for (let c = 0xff01; c <= 0xffef; c++) domain.push(c);
  for (const ch of Object.keys(LIGATURES)) domain.push(ch.charCodeAt(0));
  for (const code of domain) {
    const ch = String.fromCharCode(code);
    const out = step(step(step(step(ch, c1), (x) => LIGATURES[x]), width), quote);
    if (out !== ch) translated.set(ch, out);
  }
  return translated;
}

const FTFY_ENTITY_RE = /&#?[0-9A-Za-z]{1,24};/g;

/** ftfy's unescape_html: only complete `&...;` references, plus all-caps names (`&EACUTE;`). */
function ftfyUnescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(FTFY_ENTITY_RE, (ref) => {
    const name = ref.slice(1, -1);
    const named = entityTables().withSemicolon.get(name) ?? upperEntities().get(name);
    if (named !== undefined) return named;
    if (ref.startsWith('&#')) {
      const decoded = pythonHtmlUnescape(ref);
      // a reference html.unescape only partly consumed ("&#12ab;") stays as written
      return decoded.includes(';') ? ref : decoded;
    }
    return ref;
  });
}

let upper: Map<string, string> | undefined;

/** ftfy's extra all-caps names: every lowercase name whose all-caps form means nothing to
 * html.unescape decodes, in all caps, to its characters in upper case. */
export function upperEntities(): ReadonlyMap<string, string> {
  if (upper !== undefined) return upper;
  upper = new Map();
  for (const [name, value] of entityTables().withSemicolon) {
    if (name !== name.toLowerCase()) continue;
    const caps = name.toUpperCase();
    const ref = `&${caps};`;
    if (pythonHtmlUnescape(ref) === ref) upper.set(caps, value.toUpperCase());
  }
  return upper;
}

// ---- Python whitespace and case ------------------------------------------------------------------

// str.isspace(): bidi classes WS, B, S and category Zs. The `regex` module's \s (which
// simple_tokenizer uses) is the same set without U+001C–U+001F.
function isPythonSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c === 0x85 || c === 0xa0 ||
    c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Python's `str.strip()` with no argument. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonSpace(text.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const REGEX_SPACE_RUN_RE = /[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** simple_tokenizer's whitespace_clean: `regex.sub(r'\s+', ' ', text).strip()`. */
export function whitespaceClean(text: string): string {
  return pythonStrip(text.replace(REGEX_SPACE_RUN_RE, ' '));
}

const CASED_RE = /\p{Cased}/u;
const CASE_IGNORABLE_RE = /\p{Case_Ignorable}/u;

/** Python's `str.lower()`. JavaScript's toLowerCase has the same full mappings; only the
 * context rule for capital sigma is redone, exactly as CPython's handle_capital_sigma does. */
export function pythonLower(text: string): string {
  let i = text.indexOf('Σ');
  if (i === -1) return text.toLowerCase();
  let out = '';
  let last = 0;
  for (; i !== -1; i = text.indexOf('Σ', i + 1)) {
    out += text.slice(last, i).toLowerCase() + (isFinalSigma(text, i) ? 'ς' : 'σ');
    last = i + 1;
  }
  return out + text.slice(last).toLowerCase();
}

// Final when preceded by a cased letter and not followed by one, case-ignorables skipped.
function isFinalSigma(text: string, at: number): boolean {
  let j = at;
  let before: string | undefined;
  while (j > 0) {
    const lowHalf = (text.charCodeAt(j - 1) & 0xfc00) === 0xdc00;
    const start = lowHalf && j >= 2 && (text.charCodeAt(j - 2) & 0xfc00) === 0xd800 ? j - 2 : j - 1;
    const ch = text.slice(start, j);
    j = start;
    if (!CASE_IGNORABLE_RE.test(ch)) {
      before = ch;
      break;
    }
  }
  if (before === undefined || !CASED_RE.test(before)) return false;
  for (let k = at + 1; k < text.length; ) {
    const cp = text.codePointAt(k) ?? 0;
    const ch = String.fromCodePoint(cp);
    k += ch.length;
    if (!CASE_IGNORABLE_RE.test(ch)) return !CASED_RE.test(ch);
  }
  return true;
}

// ---- the whole clean-up ---------------------------------------------------------------------------

// Printable ASCII without '&', plus the whitespace controls that only ever become one space:
// ftfy and html.unescape leave such text alone, so most captions skip both.
const PLAIN_ASCII_RE = /^[\t\n\f\r\x20-\x25\x27-\x7e]*$/;

/** simple_tokenizer's `whitespace_clean(basic_clean(text)).lower()`, mojibake repair excepted. */
export function clipCleanText(text: string): string {
  let t = text;
  if (!PLAIN_ASCII_RE.test(t)) {
    t = ftfyFixText(t);
    t = pythonHtmlUnescape(pythonHtmlUnescape(t));
  }
  // basic_clean's own strip() changes nothing that whitespace_clean's strip() would not.
  return pythonLower(whitespaceClean(t));
}
