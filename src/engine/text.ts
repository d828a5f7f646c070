/**
 * Trimming as conditions and handoff checks need it, without calling String#trim on values that
 * have nothing to trim (nearly all of them; the call showed up in the engine profile). Every
 * character String#trim removes is at most U+0020 or at least U+00A0, so a value that starts and
 * ends with printable ASCII is already trimmed.
 */
function isPrintableAscii(code: number): boolean {
  return code > 32 && code < 127;
}

/** `value.trim()`, skipping the call when the ends are plainly not white space. */
export function trimmed(value: string): string {
  const length = value.length;
  if (length > 0 && isPrintableAscii(value.charCodeAt(0)) && isPrintableAscii(value.charCodeAt(length - 1))) return value;
  return value.trim();
}

/** `value.trim() === ''`: a value that starts with a printable ASCII character is not blank. */
export function isBlankText(value: string): boolean {
  return value.length === 0 || (!isPrintableAscii(value.charCodeAt(0)) && value.trim() === '');
}
