/**
 * Tender portals publish descriptions whose line breaks lost their backslashes: `\r\n` became `rn`,
 * glued to the words on either side. Real notices read "Minor Worksrn Completion", "testing,
 * maintenancern and cleaning" and "Compact sweepersrnLot 3". Tokenised as written, "worksrn" or
 * "sweepersrnlot" is a term no profile holds, and the words themselves are lost to matching.
 *
 * A remnant is a run of lower-case `rn` (so "RN", a registered nurse, is a word) that ends a word
 * and is told from the end of a real word by the letters before it, in the last part of a compound
 * ("tithe-barn" is judged on "barn"):
 * - nothing, a consonant or a digit: no English word ends in a consonant and "rn" (w and y count as
 *   vowels, as in Welsh: cyrn, ffwrn, Wern);
 * - an `e` after c, s, r, g, n, l, m, p, i, o or a (maintenance, service, refuse, centre, vehicle,
 *   scheme, type), except concern, discern, decern and secern; modern, pattern, govern, northern,
 *   Bern and Gwern are kept;
 * - an `a` ending area, data, criteria, agenda or extra; barn, yarn, learn, cadarn, tafarn and
 *   Penygarn are kept, as is every word ending in -orn, -urn or -irn (born, return, Springburn).
 * Words the rules miss ("sitern") keep their remnant, which costs a term; a real word cut would
 * cost more.
 *
 * Two places apply it:
 * - withoutRemnant, on a lower-cased token: the analyser decides it once per distinct token, and
 *   at each occurrence reads whether the `rn` is lower case in the text.
 * - mendGluedRemnants, on the text: a remnant before a capital or a digit ("sweepersrnLot") becomes
 *   spaces, which only the letters' case tells apart from a word going on ("Guernsey", "Byrne").
 */

const VOWELS = 'aeiouwy';
// Before "e" + "rn" in garbage, not in words (maintenance·rn, refuse·rn, centre·rn, vehicle·rn).
const REMNANT_BEFORE_E = 'csrgnlmpioa';
const REAL_CE_RN = ['conce', 'disce', 'dece', 'sece'];
const REMNANT_AFTER_A = ['rea', 'ata', 'ia', 'nda', 'ra'];
const R = 114;
const N = 110;
// A word longer than this before a glued remnant is not looked at whole.
const MAX_WORD = 40;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Whether "rn" after `word` (lower-case ASCII letters, digits and ' - /, possibly none) is a remnant. */
export function isRemnantAfter(word: string): boolean {
  let from = word.length;
  while (from > 0 && !isSeparator(word.charCodeAt(from - 1))) from--;
  const n = word.length - from;
  if (n === 0) return true;
  const last = word[word.length - 1];
  if (!VOWELS.includes(last)) return true;
  if (last === 'e') {
    if (n < 2 || !REMNANT_BEFORE_E.includes(word[word.length - 2])) return false;
    return !REAL_CE_RN.some((real) => word.endsWith(real) && word.length - real.length >= from);
  }
  if (last === 'a') return REMNANT_AFTER_A.some((ending) => word.endsWith(ending) && word.length - ending.length >= from);
  return false;
}

/**
 * Where the remnant starts in `word` followed by a run of `pairs` "rn": `word.length` when the whole
 * run is one, one pair later when the first "rn" ends a real word ("modernrn"), or −1 for none.
 */
function remnantStart(word: string, pairs: number): number {
  if (isRemnantAfter(word)) return word.length;
  return pairs > 1 ? word.length + 2 : -1;
}

/** A lower-cased token without the remnant that may end it: "worksrn" → "works", "rn" → "". */
export function withoutRemnant(token: string): string {
  let end = token.length;
  while (end >= 2 && token.charCodeAt(end - 2) === R && token.charCodeAt(end - 1) === N) end -= 2;
  if (end === token.length) return token;
  const word = token.slice(0, end);
  const from = remnantStart(word, (token.length - end) / 2);
  return from < 0 ? token : token.slice(0, from);
}

/** Where the run of lower-case "rn" pairs that starts at `at` in `text` ends (`at` when none does). */
function remnantRunEnd(text: string, at: number): number {
  let end = at;
  while (text.charCodeAt(end) === R && text.charCodeAt(end + 1) === N) end += 2;
  return end;
}

/** Whether `text` holds lower-case "rn" pairs only for `length` characters from `at`. */
export function isLowerRemnant(text: string, at: number, length: number): boolean {
  return remnantRunEnd(text, at) >= at + length;
}

/**
 * Replaces with spaces (of the same length, so offsets stay valid) each lower-case remnant glued to
 * a capital or a digit that follows it. Runs before every analysis: it only looks where "rn" is,
 * and returns the text itself when there is nothing to mend.
 */
export function mendGluedRemnants(text: string): string {
  let mended = '';
  let copiedTo = 0;
  for (let at = text.indexOf('rn'); at >= 0; at = text.indexOf('rn', at)) {
    const end = remnantRunEnd(text, at);
    const next = text.charCodeAt(end);
    if ((next >= 65 && next <= 90) || (next >= 48 && next <= 57)) {
      let start = at;
      while (start > copiedTo && at - start < MAX_WORD && isAsciiWordCode(text.charCodeAt(start - 1))) start--;
      // A word that goes on in letters beyond ASCII ("Bjørn") is left alone.
      const before = text.charCodeAt(start - 1);
      const from = before >= 128 && LETTER_OR_DIGIT.test(text[start - 1]) ? -1 : remnantStart(text.slice(start, at).toLowerCase(), (end - at) / 2);
      if (from >= 0) {
        mended += text.slice(copiedTo, start + from) + ' '.repeat(end - start - from);
        copiedTo = end;
      }
    }
    at = end;
  }
  return copiedTo === 0 ? text : mended + text.slice(copiedTo);
}

function isSeparator(code: number): boolean {
  return code === 39 || code === 45 || code === 47; // ' - /
}

function isAsciiWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || isSeparator(code);
}
