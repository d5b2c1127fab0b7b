/**
 * Tender portals publish descriptions whose line breaks lost their backslashes: `\r\n` became `rn`,
 * glued to the words on either side. Real notices read "Minor Worksrn Completion", "testing,
 * maintenancern and cleaning" and "Compact sweepersrnLot 3". Tokenised as written, "worksrn" or
 * "sweepersrnlot" is a term no profile holds, and the words themselves are lost to matching.
 *
 * A remnant is told from a real word by what comes before it: a run of `rn` that follows a consonant
 * or a digit, or starts the word (no English word ends in a consonant and "rn"), or that follows an
 * `e` or `a` that cannot end a word before "rn" (maintenance·rn, service·rn, area·rn, data·rn).
 * modern, pattern, govern, northern, concern, learn and yearn are kept, as is every word ending in
 * -orn, -urn or -irn (born, return, Springburn, cairn). Two places apply it:
 * - withoutRemnant, on a lower-cased token: a remnant that ends the token ("worksrn") is dropped.
 *   It depends on the token alone, so the analyser decides it once per distinct token.
 * - mendGluedRemnants, on the text: a remnant before a capital or a digit ("sweepersrnLot") becomes
 *   spaces, which only the letters' case tells apart from a word going on ("Guernsey", "Byrne").
 */

const VOWELS = 'aeiou';
// Before "e" + "rn": modern, eastern, pattern, govern, northern, fern (… d, t, v, h, f).
const REAL_E_RN = 'dtvhf';
const R = 114;
const N = 110;

/** Whether "rn" after `word` (lower-case letters and digits, possibly none) is a remnant. */
export function isRemnantAfter(word: string): boolean {
  const n = word.length;
  if (n === 0) return true;
  const last = word[n - 1];
  if (last.charCodeAt(0) >= 128) return false; // Bjørn: left alone
  if (!VOWELS.includes(last)) return true;
  if (last === 'e') {
    if (n < 2 || word === 'ke') return false; // ern, kern
    if (REAL_E_RN.includes(word[n - 2])) return false;
    return !word.endsWith('conce') && !word.endsWith('disce'); // concern, discern
  }
  // area, data, agenda; not barn, yarn, learn, yearn, unlearn
  if (last === 'a') return n >= 4 && (!word.endsWith('ea') || word.endsWith('rea'));
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

/** A lower-cased token without the remnant that ends it: "worksrn" → "works", "rn" → "". */
export function withoutRemnant(token: string): string {
  let end = token.length;
  while (end >= 2 && token.charCodeAt(end - 2) === R && token.charCodeAt(end - 1) === N) end -= 2;
  if (end === token.length) return token;
  const word = token.slice(0, end);
  const from = remnantStart(word, (token.length - end) / 2);
  return from < 0 ? token : token.slice(0, from);
}

/**
 * Replaces with spaces (of the same length, so offsets stay valid) each remnant glued to a capital
 * or a digit that follows it. Runs before every analysis: it only looks where "rn" is, and returns
 * the text itself when there is nothing to mend.
 */
export function mendGluedRemnants(text: string): string {
  let mended = '';
  let copiedTo = 0;
  for (let at = text.indexOf('rn'); at >= 0; at = text.indexOf('rn', at)) {
    let end = at + 2;
    while (text.charCodeAt(end) === R && text.charCodeAt(end + 1) === N) end += 2;
    const next = text.charCodeAt(end);
    if ((next >= 65 && next <= 90) || (next >= 48 && next <= 57)) {
      let start = at;
      while (start > 0 && isWordCode(text.charCodeAt(start - 1))) start--;
      const from = remnantStart(text.slice(start, at).toLowerCase(), (end - at) / 2);
      if (from >= 0) {
        mended += text.slice(copiedTo, start + from) + ' '.repeat(end - start - from);
        copiedTo = end;
      }
    }
    at = end;
  }
  return copiedTo === 0 ? text : mended + text.slice(copiedTo);
}

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code >= 128;
}
