/**
 * Free text people give names in (an agent's name, a queue's): no control characters. NUL cuts
 * strings short in C code and logs, ESC and the C1 controls drive terminals (a name could clear a
 * supervisor's screen or rewrite what it shows), newlines forge log lines. None is ever needed.
 */
export const NO_CONTROL =
  'no control characters (NUL, ESC, tab, newline or any other C0/C1 control)';

/** C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

export function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

export const noControl = (text: string): boolean => !hasControl(text);

/** Text for a terminal: each control character shown as an escape (`\x1b`), never sent as itself. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += ch.length === 1 && isControl(code) ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 but writes DEL and C1 as themselves, which some
 * terminals obey; here they are `\u00XX` too (still the same JSON).
 */
export function terminalJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += ch.length === 1 && code >= 0x7f && code <= 0x9f ? `\\u00${code.toString(16)}` : ch;
  }
  return out;
}
