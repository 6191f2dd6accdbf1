import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegQuery, readRegQuery, regDwordSwitch, regSearchFoundNothing } from '../../../src/agent/checks/windows-registry.js';
import type { ProbeOutput } from '../../../src/agent/probes/types.js';
import type { ProbeError } from '../../../src/shared/bundle.js';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';

function out(o: { stdout?: string; stderr?: string; exitCode?: number | null; error?: ProbeError } = {}): ProbeOutput {
  return {
    key: 'win32.reg-test',
    probe: 'win32.reg-test',
    stdout: Buffer.from(o.stdout ?? '', 'utf8'),
    stderr: Buffer.from(o.stderr ?? '', 'utf8'),
    exitCode: o.exitCode === undefined ? 0 : o.exitCode,
    durationMs: 1,
    ...(o.error ? { error: o.error } : {}),
  };
}

const KEY = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Example\r\n    Switch    REG_DWORD    0x1\r\n\r\n';
const NOT_FOUND = 'ERROR: The system was unable to find the specified registry key or value.\r\n';

describe('parseRegQuery (the one reg query parser)', () => {
  it('reads the real Windows 11 CurrentVersion capture: its values, then its subkeys as bare keys', () => {
    const text = readFileSync(join(FIXTURES_DIR, 'os_patch/win32/reg-query-HKLM-WindowsNT-CurrentVersion__win11-25H2-productname-says-windows-10.txt'), 'utf8');
    const r = parseRegQuery(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.keys[0]?.path).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion');
    expect(r.keys[0]?.values.UBR).toEqual({ type: 'REG_DWORD', data: '0x1af5' });
    expect(r.keys[0]?.values.EditionSubManufacturer).toEqual({ type: 'REG_SZ', data: '' });
    expect(r.keys.slice(1).every((k) => Object.keys(k.values).length === 0)).toBe(true);
    expect(r.keys.length).toBeGreaterThan(90);
  });

  it('skips the localised default-value name and the /s trailer, and ignores __proto__', () => {
    const r = parseRegQuery('\r\nHKEY_CURRENT_USER\\X\r\n    (Standard)    REG_SZ    (Wert nicht festgelegt)\r\n    __proto__    REG_SZ    x\r\n    A    REG_SZ    1\r\n\r\nSuche beendet: 1 Übereinstimmung(en) gefunden.\r\n');
    expect(r).toEqual({ ok: true, keys: [{ path: 'HKEY_CURRENT_USER\\X', values: { A: { type: 'REG_SZ', data: '1' } } }] });
  });
});

describe('regSearchFoundNothing', () => {
  it('recognises the zero-match trailer of a /s /v search in any language, by shape', () => {
    expect(regSearchFoundNothing('\r\nEnd of search: 0 match(es) found.\r\n')).toBe(true);
    expect(regSearchFoundNothing('\r\nSuche beendet: 0 Übereinstimmung(en) gefunden.\r\n')).toBe(true);
  });

  it('is false for matches, keys, errors with numbers, several lines and nothing at all', () => {
    expect(regSearchFoundNothing('\r\nEnd of search: 2 match(es) found.\r\n')).toBe(false);
    expect(regSearchFoundNothing(KEY)).toBe(false);
    expect(regSearchFoundNothing('ERROR: 0 and 5\r\n')).toBe(false);
    expect(regSearchFoundNothing('garbage\r\nEnd of search: 0 match(es) found.\r\n')).toBe(false);
    expect(regSearchFoundNothing('   \r\n')).toBe(false);
  });
});

describe('regDwordSwitch', () => {
  it('reads REG_DWORD 0x0/0x1 only', () => {
    expect(regDwordSwitch({ type: 'REG_DWORD', data: '0x1' })).toBe(true);
    expect(regDwordSwitch({ type: 'REG_DWORD', data: '0x0' })).toBe(false);
    expect(regDwordSwitch({ type: 'REG_DWORD', data: '0x2' })).toBeUndefined();
    expect(regDwordSwitch({ type: 'REG_SZ', data: '1' })).toBeUndefined();
    expect(regDwordSwitch(undefined)).toBeUndefined();
  });
});

describe('readRegQuery', () => {
  it('reads a key', () => {
    expect(readRegQuery(out({ stdout: KEY }), 'f')).toEqual({ keys: [{ path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Example', values: { Switch: { type: 'REG_DWORD', data: '0x1' } } }] });
  });

  it('reads exit 1 with nothing on stdout as an absent key only when absence is allowed', () => {
    const absent = out({ exitCode: 1, stderr: NOT_FOUND });
    expect(readRegQuery(absent, 'f', { absentOk: true })).toEqual({ keys: [] });
    expect(readRegQuery(absent, 'f').gap).toMatchObject({ fact: 'f', reason: 'probe-failed' });
  });

  it('never reads access denied as absent', () => {
    expect(readRegQuery(out({ exitCode: 1, stderr: 'ERROR: Access is denied.\r\n' }), 'f', { absentOk: true }).gap).toMatchObject({ reason: 'permission' });
  });

  it('reads a search that matched nothing as no keys (exit 0, or exit 1 when absence is allowed), and only for searches', () => {
    const nothing = '\r\nEnd of search: 0 match(es) found.\r\n';
    expect(readRegQuery(out({ stdout: nothing }), 'f', { search: true })).toEqual({ keys: [] });
    expect(readRegQuery(out({ stdout: nothing, exitCode: 1 }), 'f', { absentOk: true, search: true })).toEqual({ keys: [] });
    expect(readRegQuery(out({ stdout: nothing }), 'f').gap).toMatchObject({ reason: 'parse-error', detail: 'no registry key line' });
  });

  it('gives the probe error, a failed exit or unrecognised output as a gap', () => {
    expect(readRegQuery(out({ error: 'timeout', exitCode: null }), 'f', { absentOk: true }).gap).toMatchObject({ reason: 'timeout' });
    expect(readRegQuery(out({ exitCode: 5, stderr: 'boom' }), 'f', { absentOk: true }).gap).toMatchObject({ reason: 'probe-failed' });
    expect(readRegQuery(out({ stdout: 'not reg output\r\n' }), 'f', { absentOk: true, search: true }).gap).toMatchObject({ reason: 'parse-error' });
  });
});
