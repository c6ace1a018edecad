// The clean-up in front of CLIP's BPE (src/core/text/text-clean.ts): ftfy's fixes as equivalences of
// ids, Python's html.unescape, str.lower(), str.strip() and the `regex` module's \s. Expected
// values come from Python 3.11 and ftfy 6.3.1 (see scripts/fixtures/tokenizer_oracle.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  clipCleanText,
  ftfyFixText,
  pythonHtmlUnescape,
  pythonLower,
  pythonStrip,
  upperEntities,
  whitespaceClean,
} from '../../../src/core/text/text-clean';
import { ClipTokenizer } from '../../../src/core/text/tokenizer';
import { readClipTokenizerJson } from './openai-clip-data';

const tokenizer = ClipTokenizer.fromJSON(JSON.parse(readClipTokenizerJson()));
const oracle = JSON.parse(readFileSync(new URL('../../fixtures/tokenizer-oracle.json', import.meta.url), 'utf8')) as {
  cases: { name: string; text: string; clean: string }[];
  ftfyUpperEntities: Record<string, string>;
};

describe('ftfy.fix_text, as equal ids', () => {
  it.each([
    // uncurl_quotes
    ['it’s', "it's"],
    ['‘single’ “double”', '\'single\' "double"'],
    ['ʼokina ‛x‟', '\'okina \'x"'],
    // fix_latin_ligatures
    ['ﬁne ﬂower', 'fine flower'],
    ['ﬀ ﬃ ﬄ ﬆ', 'ff ffi ffl st'],
    ['Ĳssel ǅungla', 'IJssel Džungla'],
    ['ŉ', "'n"], // ŉ → ʼn, then ʼ is uncurled in the same round
    // fix_character_width
    ['ｈｅｌｌｏ', 'hello'],
    ['ＬＯＵＤ　ＮＯＩＳＥＳ', 'LOUD NOISES'],
    ['ｶﾀｶﾅ', 'カタカナ'],
    // remove_control_chars, remove_terminal_escapes, the BOM
    ['\ufeffhello', 'hello'],
    ['a\u0000b\u0008c', 'abc'],
    ['a\u000bb', 'ab'], // removed, not turned into a space
    ['a\u206ab x\ufffcy', 'ab xy'],
    ['\x1b[31mred\x1b[0m', 'red'],
    // fix_c1_controls: Windows-1252, before line breaks are fixed
    ['a\x92s', "a's"],
    ['a\x80', 'a€'],
    ['a\x85b', 'a…b'],
    // fix_line_breaks, NFC, fix_surrogates
    ['a\r\nb\rc\u2028d', 'a b c d'],
    ['cafe\u0301', 'café'],
    ['\ud800x', '\ufffdx'],
    ['x\udc00', 'x\ufffd'],
    // unescape_html, then html.unescape twice
    ['&amp;amp;amp;amp;', '&'],
    ['&EACUTE;t&Eacute;', 'été'],
    ['&#8217;s', "'s"], // ftfy decodes it, then uncurls it
    ['fish &amp chips', 'fish & chips'],
  ])('%j tokenizes like %j', (a, b) => {
    expect(tokenizer.encode(a)).toEqual(tokenizer.encode(b));
  });

  it('does not unescape more than html.unescape twice once a "<" marks the text as HTML', () => {
    expect(clipCleanText('&amp;amp;amp;')).toBe('&');
    expect(clipCleanText('<&amp;amp;amp;')).toBe('<&amp;');
    expect(clipCleanText('<&#8217;s')).toBe('<’s'); // not uncurled: html.unescape runs after ftfy
    // the "<" switch sticks for the lines after it, not before
    expect(clipCleanText('&amp;amp;amp;\n<\n&amp;amp;amp;')).toBe('& < &amp;');
  });

  it('leaves mojibake as it is (fix_encoding is not reproduced)', () => {
    expect(clipCleanText('cafÃ©')).toBe('cafã©');
    // ftfy's own example; the '”' in the mojibake still gets uncurled
    expect(ftfyFixText('âœ” No problems')).toBe('âœ" No problems');
  });

  it('agrees with the oracle on the cleaned text of every case', () => {
    const failures = oracle.cases.filter((c) => clipCleanText(c.text) !== c.clean).map((c) => c.name);
    expect(failures).toEqual([]);
  });

  it("builds ftfy's all-caps entity names exactly as ftfy's chardata does", () => {
    const expected = new Map(Object.entries(oracle.ftfyUpperEntities).map(([k, v]) => [k.slice(1, -1), v]));
    expect(expected.size).toBeGreaterThan(1000);
    expect(new Map(upperEntities())).toEqual(expected);
  });

  it('keeps a deeply nested entity line from taking quadratic time', () => {
    const start = performance.now();
    const out = ftfyFixText('&' + 'amp;'.repeat(200_000));
    expect(performance.now() - start).toBeLessThan(30_000);
    expect(out.startsWith('&')).toBe(true);
  });
});

describe("Python's html.unescape", () => {
  // [input, Python 3.11's html.unescape(input)]
  const cases: [string, string][] = [
    ['&amp;', '&'], ['&amp;amp;', '&amp;'], ['&lt;b&gt;', '<b>'], ['&copy 2020', '\u00a9 2020'],
    ['&copyright', '\u00a9right'], ['&notit;', '\u00acit;'], ['&notin;', '\u2209'], ['&ampxyz', '&xyz'],
    ['&#0;', '\ufffd'], ['&#13;', '\r'], ['&#128;', '\u20ac'], ['&#x81;', '\u0081'], ['&#x9F;', '\u0178'],
    ['&#xD800;', '\ufffd'], ['&#1114111;', ''], ['&#1114112;', '\ufffd'], ['&#99999999999999999999;', '\ufffd'],
    ['&#x0000041;', 'A'], ['&#65', 'A'], ['&#x41', 'A'], ['&#1;', ''], ['&#xb;', ''], ['&#x7f;', ''],
    ['&#xFDD0;', ''], ['&#xFFFE;', ''], ['&#x1FFFF;', ''], ['&#x10FFFF;', ''], ['&#x1F431;', '\u{1f431}'],
    ['&Tab;', '\t'], ['&NewLine;', '\n'], ['&;', '&;'], ['&#;', '&#;'], ['&#x;', '&#x;'], ['&nbsp', '\u00a0'],
    ['&AMP', '&'], ['&AMP;', '&'], ['&Amp;', '&Amp;'], ['&eacute', '\u00e9'], ['&EACUTE;', '&EACUTE;'],
    ['&frac12', '\u00bd'], ['&frac12;', '\u00bd'], ['&frac123', '\u00bd3'],
    ['&CounterClockwiseContourIntegral;', '\u2233'], ['&aa;', '&aa;'], ['&a', '&a'], ['&&amp;', '&&'],
    ['&#38;amp;', '&amp;'], ['&lt;&lt', '<<'], ['&ltfoo', '<foo'], ['&\u{1f431};', '&\u{1f431};'],
    ['& amp;', '& amp;'],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(pythonHtmlUnescape(input)).toBe(expected);
  });
});

describe("Python's str.lower(), str.strip() and the regex module's \\s", () => {
  it.each([
    ['ΟΔΟΣ', 'οδος'], ['ΣΑΣ', 'σας'], ['ΑΣ\u0301', 'ας\u0301'], ['ΑΣ\u0301Β', 'ασ\u0301β'], ['Α.Σ', 'α.ς'],
    ["Α'Σ", "α'ς"], ['ΑΣ ΒΣ', 'ας βς'], ['Σ', 'σ'], ['İ', 'i\u0307'], ['ẞ', 'ß'], ['ǅ', 'ǆ'], ['ABC', 'abc'],
  ])('lower(%j) is %j', (input, expected) => {
    expect(pythonLower(input)).toBe(expected);
  });

  it("strips Python's whitespace, which has U+001C–U+001F and not U+FEFF", () => {
    expect(pythonStrip('\x1c\x1d a \x1e\x1f')).toBe('a');
    expect(pythonStrip('\ufeffa\ufeff')).toBe('\ufeffa\ufeff');
    expect(pythonStrip('\u0085\u00a0\u3000a\u2029')).toBe('a');
    expect(pythonStrip('\u180ea\u200b')).toBe('\u180ea\u200b');
  });

  it('collapses runs of regex-module whitespace, which lacks U+001C–U+001F', () => {
    expect(whitespaceClean('  a \t\n\r\u000b\u000c\u00a0\u2003\u3000 b  ')).toBe('a b');
    expect(whitespaceClean('a\x1cb')).toBe('a\x1cb');
    expect(whitespaceClean('a\ufeffb a\u200bb')).toBe('a\ufeffb a\u200bb');
  });

  it('drops U+0345, which the regex module matches with no alternative under IGNORECASE', () => {
    expect(tokenizer.encode('a\u0345b')).toEqual(tokenizer.encode('a b'));
  });

  it("matches 'ſ' as 's' in contractions and special tokens, as IGNORECASE does", () => {
    // one word "'ſ", where a case-sensitive pattern would give "'" and "ſ"
    expect(tokenizer.encode("'ſ")).not.toEqual(tokenizer.encode("' ſ"));
    // '<|ſtartoftext|>' is one word for the pattern, but not the special token
    const ids = tokenizer.encode('<|ſtartoftext|>');
    expect(ids.slice(1, -1)).not.toContain(tokenizer.bosId);
    expect(ids.length).toBeGreaterThan(3);
  });
});
