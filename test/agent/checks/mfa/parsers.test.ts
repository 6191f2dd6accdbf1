import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBioutilConfig, parseBioutilCount } from '../../../../src/agent/checks/mfa/parse-bioutil.js';
import { parseHidReportDescriptor, parseHidUevent, parseTpmVersionMajor } from '../../../../src/agent/checks/mfa/parse-hid.js';
import { parseWindowsHello } from '../../../../src/agent/checks/mfa/parse-windows-hello.js';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';

const TEXT_PARSERS: Record<string, (text: string) => unknown> = {
  parseBioutilConfig,
  parseBioutilCount,
  parseHidUevent,
  parseTpmVersionMajor,
  parseWindowsHello,
};
/** Parsers of binary input get the raw fixture bytes, not decoded text. */
const BYTE_PARSERS: Record<string, (bytes: Uint8Array) => unknown> = { parseHidReportDescriptor };

const cases = loadFixtureCases('mfa');

describe('mfa parsers over fixtures', () => {
  it('reads NgcSet from the real dsregcmd captures', () => {
    expect(cases.filter((c) => !c.source.startsWith('synthetic:'))).toHaveLength(5);
  });

  it.each(cases.map((c) => [c.name, c] as const))('parses %s to its expected reading', (_name, c) => {
    const bytes = BYTE_PARSERS[c.parser];
    const text = TEXT_PARSERS[c.parser];
    expect(bytes ?? text, `parser ${c.parser} is mapped`).toBeDefined();
    const result = bytes ? bytes(c.input) : text?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined));
    expect(result).toEqual(c.expected);
  });

  it('never throw on random text, and the descriptor walker never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }), (s, b) => {
        for (const parse of Object.values(TEXT_PARSERS)) {
          parse(s);
          parse(decodeText(b));
        }
        parseHidReportDescriptor(b);
      }),
      { numRuns: 400 },
    );
  });

  it('finds the FIDO usage page wherever a Usage Page item declares it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom([0x09, 0x01], [0xa1, 0x01], [0xc0], [0x75, 0x08], [0x27, 0x06, 0xd0, 0xf1, 0x00]), { maxLength: 20 }), (prefix) => {
        // Whole items only (Usage, Collection, End Collection, Report Size, a 4-byte
        // Logical Maximum whose data holds the FIDO bytes): the walker must stay aligned.
        const items = prefix.flat();
        const r = parseHidReportDescriptor(Uint8Array.from([...items, 0x06, 0xd0, 0xf1]));
        expect(r).toMatchObject({ ok: true, fido: true });
      }),
    );
  });
});
