import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBitLockerCimJson, parseWmicEncryptableVolume } from '../../../../src/agent/checks/disk-encryption/parse-encryptable-volume.js';
import { parseCryptsetupStatus } from '../../../../src/agent/checks/disk-encryption/parse-cryptsetup-status.js';
import { parseFdesetupStatus } from '../../../../src/agent/checks/disk-encryption/parse-fdesetup-status.js';
import { parseGetBitLockerVolume } from '../../../../src/agent/checks/disk-encryption/parse-get-bitlocker-volume.js';
import { parseLsblkJson, parseLsblkPairs } from '../../../../src/agent/checks/disk-encryption/parse-lsblk.js';
import { parseManageBdeStatus } from '../../../../src/agent/checks/disk-encryption/parse-manage-bde-status.js';
import { parseMdmclientSecurityInfo } from '../../../../src/agent/checks/disk-encryption/parse-mdmclient-security-info.js';
import { parseProcMounts } from '../../../../src/agent/checks/disk-encryption/parse-proc-mounts.js';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseLsblkJson,
  parseLsblkPairs,
  parseProcMounts,
  parseCryptsetupStatus,
  parseFdesetupStatus,
  parseMdmclientSecurityInfo,
  parseManageBdeStatus,
  parseGetBitLockerVolume,
  parseWmicEncryptableVolume,
  parseBitLockerCimJson,
};

const cases = loadFixtureCases('disk_encryption');

describe('disk_encryption parsers over fixtures', () => {
  it('has every real capture INDEX.md lists for this check', () => {
    const real = cases.filter((c) => !c.source.startsWith('synthetic:'));
    expect(real).toHaveLength(20);
    for (const c of real) expect(c.source).toMatch(/^\S+\/\S+ : .+ @ [0-9a-f]{7,40}.*\(copied from shared\/fixtures\/real-output\/(linux|macos|windows)\/.+\)$/);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s parses to its expected reading', (_name, c) => {
    const parse = PARSERS[c.parser];
    expect(parse, `unknown parser ${c.parser}`).toBeDefined();
    expect(parse?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined))).toEqual(c.expected);
  });
});

describe('disk_encryption parsers read the real captures as INDEX.md states', () => {
  const byName = (part: string) => {
    const c = cases.find((x) => x.name.includes(part));
    if (!c) throw new Error(`no fixture ${part}`);
    return PARSERS[c.parser]?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined));
  };

  it('reads the lsblk -fJp tree as / on plain xfs, with no LUKS container opened', () => {
    const r = byName('lsblk-fpJ__luks-multi-disk') as ReturnType<typeof parseLsblkJson>;
    if (!r.ok) throw new Error(r.error);
    expect(r.devices.find((d) => d.mountpoints.includes('/'))).toMatchObject({ name: '/dev/sda3', fstype: 'xfs', encrypted: false });
    expect(r.devices.filter((d) => d.fstype === 'crypto_LUKS').map((d) => d.name)).toEqual(['/dev/sdb3', '/dev/mapper/LvmEncrypt-lvmcryptroot', '/dev/sdd3', '/dev/sdd4']);
    expect(r.devices.some((d) => d.encrypted === true)).toBe(false);
  });

  it('reads the CentOS lsblk -P capture as two open LUKS mappings (btrfs root, swap) without guessing the rest', () => {
    const r = byName('centos-luks-root-and-swap') as ReturnType<typeof parseLsblkPairs>;
    if (!r.ok) throw new Error(r.error);
    expect(r.devices.filter((d) => d.encrypted).map((d) => [d.fstype, d.type])).toEqual([['swap', 'crypt'], ['btrfs', 'crypt']]);
    expect(r.devices.filter((d) => d.encrypted === false)).toEqual([]);
  });

  it('reads the German "Verschlüsselung wird durchgeführt 3,5 %" as encrypting with protection off', () => {
    expect(byName('de-DE-encryption-in-progress-3pct')).toEqual({
      ok: true,
      volumes: [{ mount: 'C:', volumeType: 'os', state: 'encrypting', percentEncrypted: 3.5, method: 'XTS-AES 128', protectionOn: false, protectors: ['Tpm'] }],
    });
  });

  it('counts "Used Space Only Encrypted" as encrypted', () => {
    expect(byName('msdocs-used-space-only-tpm')).toMatchObject({ ok: true, volumes: [{ state: 'on', protectionOn: true }] });
  });

  it('reads the UTF-16LE wmic capture as C: fully encrypted (AES 256) with protection on', () => {
    expect(byName('wmic-Win32_EncryptableVolume-format-list')).toMatchObject({ ok: true, volumes: [{ mount: 'C:', volumeType: 'os', state: 'on', method: 'AES 256', protectionOn: true }] });
  });
});

describe('disk_encryption parsers on hostile input', () => {
  const all = Object.entries(PARSERS);

  it('never throw on random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        for (const [, p] of all) expect(() => p(s)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on random bytes decoded as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        const s = decodeText(b);
        for (const [, p] of all) expect(() => p(s)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const s = JSON.stringify(v);
        expect(() => parseLsblkJson(s)).not.toThrow();
        expect(() => parseLsblkJson(JSON.stringify({ blockdevices: [v] }))).not.toThrow();
        expect(() => parseBitLockerCimJson(s)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on lines mixing the labels they look for', () => {
    const piece = fc.constantFrom(
      'Volume C: [OS]', '[OS Volume]', '    Conversion Status:    ', '    Key Protectors:', '        TPM', 'FileVault is On.', 'Encryption in progress: Percent completed = ',
      '/dev/mapper/x is active.', '  type:    ', 'NAME="', 'MountPoint : ', '----- -----', 'ConversionStatus=', '"FDE_Enabled" = ', 'Daemon response: {', '\n', '',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.string({ maxLength: 20 })), { maxLength: 40 }), (parts) => {
        const s = parts.map(([a, b]) => a + b).join('\n');
        for (const [, p] of all) expect(() => p(s)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a deeply nested lsblk tree instead of recursing without end', () => {
    const depth = 5000;
    const open = Array.from({ length: depth }, (_, i) => `{"name":"/dev/x${i}","type":"part","children":[`).join('');
    const text = `{"blockdevices":[${open}{"name":"/dev/leaf"}${']}'.repeat(depth)}]}`;
    expect(parseLsblkJson(text)).toEqual({ ok: false, error: 'device tree too deep' });
  });

  it('judges a 4000-device PKNAME chain without overflowing the stack, never calling it plain', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `NAME="/dev/d${i}" TYPE="${i === 0 ? 'crypt' : 'dm'}" PKNAME="${i === 0 ? '' : `/dev/d${i - 1}`}" MOUNTPOINT="${i === 3999 ? '/' : ''}"`);
    const r = parseLsblkPairs(rows.reverse().join('\n'));
    if (!r.ok) throw new Error(r.error);
    expect(r.devices).toHaveLength(4000);
    expect(r.devices.filter((d) => d.encrypted === false)).toEqual([]);
  });
});
