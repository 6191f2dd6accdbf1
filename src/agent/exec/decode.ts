/**
 * Turns a probe's raw bytes into text. Real tools answer in UTF-8, UTF-16 (wmic and
 * PowerShell redirected to a file), or a Windows OEM/ANSI code page (systeminfo on a
 * Chinese Windows writes GBK). Line endings are normalised to `\n`.
 */

/** WHATWG encoding labels this decoder accepts as a hint. */
export type TextEncodingHint = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gbk' | 'windows-1252' | 'ibm866' | 'windows-1251' | 'shift_jis';

const CODEPAGES: Readonly<Record<number, TextEncodingHint>> = {
  65001: 'utf-8',
  1200: 'utf-16le',
  1201: 'utf-16be',
  936: 'gbk',
  1252: 'windows-1252',
  866: 'ibm866',
  1251: 'windows-1251',
  932: 'shift_jis',
};

/** The encoding label of a Windows code page number, if this decoder knows it. */
export function encodingForCodepage(codepage: number): TextEncodingHint | undefined {
  return CODEPAGES[codepage];
}

/**
 * Decodes bytes to text.
 * - A BOM wins (UTF-8, UTF-16LE, UTF-16BE).
 * - Without a BOM, text whose odd bytes are mostly NUL is UTF-16LE.
 * - Valid UTF-8 is UTF-8; otherwise `hint` (or windows-1252) is used.
 * Never throws; replacement characters mark bytes that fit no encoding.
 */
export function decodeText(bytes: Uint8Array, hint?: TextEncodingHint): string {
  let text: string;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    text = new TextDecoder('utf-8').decode(bytes.subarray(3));
  } else if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  } else if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  } else if (hint === 'utf-16le' || hint === 'utf-16be' || looksLikeUtf16le(bytes)) {
    text = new TextDecoder(hint === 'utf-16be' ? 'utf-16be' : 'utf-16le').decode(bytes);
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder(hint && hint !== 'utf-8' ? hint : 'windows-1252').decode(bytes);
    }
  }
  return text.replace(/\r\n?/g, '\n');
}

function looksLikeUtf16le(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return false;
  let oddNul = 0;
  let evenNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  return oddNul / pairs > 0.6 && evenNul / pairs < 0.1;
}

/** True when the bytes contain NUL or other control bytes that no text tool prints. */
export function looksBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  const controls = text.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g);
  return controls !== null && controls.length > Math.max(2, text.length / 100);
}
