import { describe, expect, it } from 'vitest';
import { decodeText, encodingForCodepage, looksBinary } from '../../../src/agent/exec/decode.js';

describe('decodeText', () => {
  it('decodes UTF-16LE with a BOM and normalises CRLF', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Caption=KB1\r\nStatus=OK\r\n', 'utf16le')]);
    expect(decodeText(bytes)).toBe('Caption=KB1\nStatus=OK\n');
  });

  it('detects UTF-16LE without a BOM', () => {
    expect(decodeText(Buffer.from('ConversionStatus=1\r\n', 'utf16le'))).toBe('ConversionStatus=1\n');
  });

  it('decodes UTF-16BE with a BOM', () => {
    const le = Buffer.from('Hi', 'utf16le');
    const be = Buffer.from(le.map((_, i) => le[i ^ 1] ?? 0));
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe('Hi');
  });

  it('strips a UTF-8 BOM', () => {
    expect(decodeText(Buffer.from('\ufeffFileVault is On.\n', 'utf8'))).toBe('FileVault is On.\n');
  });

  it('keeps valid UTF-8 (German umlauts) as UTF-8', () => {
    expect(decodeText(Buffer.from('Vollständig entschlüsselt', 'utf8'))).toBe('Vollständig entschlüsselt');
  });

  it('uses the code page hint for bytes that are not UTF-8 (GBK)', () => {
    // "修补程序" in GBK
    const gbk = Buffer.from([0xd0, 0xde, 0xb2, 0xb9, 0xb3, 0xcc, 0xd0, 0xf2]);
    expect(decodeText(gbk, 'gbk')).toBe('修补程序');
    expect(encodingForCodepage(936)).toBe('gbk');
  });

  it('falls back to windows-1252 without a hint, never throwing', () => {
    expect(decodeText(Buffer.from([0x43, 0x61, 0x66, 0xe9]))).toBe('Café');
  });
});

describe('looksBinary', () => {
  it('flags NUL-heavy output and accepts ordinary text', () => {
    expect(looksBinary('\u0000\u0001\u0002\u0003garbage\u0000\u0000')).toBe(true);
    expect(looksBinary('FileVault is On.\n')).toBe(false);
  });
});
