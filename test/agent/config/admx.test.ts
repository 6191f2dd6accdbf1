/**
 * The Group Policy template (build/windows/admx) against the reader of the policy key
 * (`managedSourceFor('win32')`, `parseRegistryPolicy`): every setting has exactly one policy,
 * writes the value name and type the reader expects, and the registry values Group Policy
 * writes for "Enabled"/"Disabled" read back as the intended settings.
 *
 * The `reg query` text below is SYNTHETIC (no Windows machine here): it is what reg.exe prints
 * for the values the template defines, in the format of the real capture
 * test/fixtures/os_patch/win32/reg-query-HKLM-WindowsNT-CurrentVersion__… (four-space columns).
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { managedSourceFor, parseRegistryPolicy, SETTING_KEYS, TraySettingsSchema, type SettingKey } from '../../../src/agent/config/managed-config.js';

const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const ADMX = 'build/windows/admx/AIFactoryPosture.admx';
const ADML = 'build/windows/admx/en-US/AIFactoryPosture.adml';

/** Parses strictly: any warning or error (not well-formed, bad entity…) fails the test. */
function parseXml(path: string): Element {
  const problems: string[] = [];
  const doc = new DOMParser({ errorHandler: (level: string, msg: unknown) => problems.push(`${level}: ${String(msg)}`) }).parseFromString(readFileSync(path, 'utf8'), 'text/xml');
  expect(problems, path).toEqual([]);
  const root = doc.documentElement;
  if (!root) throw new Error(`${path}: no document element`);
  expect(root.namespaceURI, path).toBe(NS);
  return root;
}

const children = (el: Element, name: string): Element[] => Array.from(el.getElementsByTagNameNS(NS, name));
const one = (el: Element, name: string): Element => {
  const found = children(el, name);
  expect(found.length, `<${name}> under <${el.localName} name=${el.getAttribute('name') ?? ''}>`).toBe(1);
  return found[0] as Element;
};

const admx = parseXml(ADMX);
const adml = parseXml(ADML);
const policies = children(admx, 'policy');
const strings = new Map(children(adml, 'string').map((s) => [s.getAttribute('id') ?? '', s.textContent ?? '']));
const presentations = new Map(children(adml, 'presentation').map((p) => [p.getAttribute('id') ?? '', p]));
const registryKey = (() => {
  const source = managedSourceFor('win32');
  if (source.kind !== 'registry') throw new Error('win32 managed config is not the registry');
  return source.key;
})();

function policyFor(key: SettingKey): Element {
  const matching = policies.filter((p) => (p.getAttribute('name') ?? '').toLowerCase() === key.toLowerCase());
  expect(matching.length, `policies for ${key}`).toBe(1);
  return matching[0] as Element;
}

/** What reg.exe prints for the values Group Policy writes (SYNTHETIC, see the header). */
function regQueryOutput(values: readonly [string, 'REG_SZ' | 'REG_DWORD', string][]): string {
  const full = registryKey.replace(/^HKLM\\/, 'HKEY_LOCAL_MACHINE\\');
  return ['', full, ...values.map(([n, t, d]) => `    ${n}    ${t}    ${d}`), '', ''].join('\r\n');
}

describe('Group Policy template (ADMX/ADML)', () => {
  it('has one machine policy per managed setting, under the key the agent reads', () => {
    expect(policies.map((p) => (p.getAttribute('name') ?? '').toLowerCase()).sort()).toEqual(SETTING_KEYS.map((k) => k.toLowerCase()).sort());
    for (const p of policies) {
      expect(p.getAttribute('class'), p.getAttribute('name') ?? '').toBe('Machine');
      expect(`HKLM\\${p.getAttribute('key') ?? ''}`).toBe(registryKey);
      expect(one(p, 'parentCategory').getAttribute('ref')).toBe('AIFactoryPosture');
      expect(one(p, 'supportedOn').getAttribute('ref')).toBe('windows:SUPPORTED_Windows_10_0');
    }
    const usings = children(admx, 'using').map((u) => `${u.getAttribute('prefix') ?? ''}=${u.getAttribute('namespace') ?? ''}`);
    expect(usings).toContain('windows=Microsoft.Policies.Windows');
  });

  it('writes booleans as DWORD 1/0 and strings as text limited like the setting', () => {
    for (const key of SETTING_KEYS) {
      const p = policyFor(key);
      const schema = TraySettingsSchema.properties[key] as { type: string; maxLength?: number };
      if (schema.type === 'boolean') {
        expect(p.getAttribute('valueName'), key).toBe(key.charAt(0).toUpperCase() + key.slice(1));
        expect(one(one(p, 'enabledValue'), 'decimal').getAttribute('value'), key).toBe('1');
        expect(one(one(p, 'disabledValue'), 'decimal').getAttribute('value'), key).toBe('0');
        expect(children(p, 'elements'), key).toHaveLength(0);
      } else {
        expect(schema.type, key).toBe('string');
        const text = one(one(p, 'elements'), 'text');
        expect(text.getAttribute('valueName')?.toLowerCase(), key).toBe(key.toLowerCase());
        expect(text.getAttribute('required'), key).toBe('true');
        expect(Number(text.getAttribute('maxLength')), key).toBe(schema.maxLength);
        expect(text.hasAttribute('expandable'), key).toBe(false); // REG_SZ, never REG_EXPAND_SZ
      }
    }
  });

  it('resolves every string and presentation the template references', () => {
    const refs = [...readFileSync(ADMX, 'utf8').matchAll(/\$\((string|presentation)\.([A-Za-z0-9_]+)\)/g)];
    expect(refs.length).toBeGreaterThan(SETTING_KEYS.length * 2);
    for (const [, kind, id = ''] of refs) {
      if (kind === 'string') expect(strings.get(id)?.trim(), `string ${id}`).toBeTruthy();
      else expect(presentations.has(id), `presentation ${id}`).toBe(true);
    }
    // Each text element has a text box with its id in the policy's presentation.
    for (const p of policies) {
      const presentation = /^\$\(presentation\.(.+)\)$/.exec(p.getAttribute('presentation') ?? '')?.[1];
      for (const text of children(p, 'text')) {
        const pres = presentations.get(presentation ?? '');
        expect(pres, `presentation of ${p.getAttribute('name') ?? ''}`).toBeDefined();
        const boxes = children(pres as Element, 'textBox').map((b) => b.getAttribute('refId'));
        expect(boxes).toContain(text.getAttribute('id'));
      }
    }
    // Explanations say what "https://" the reader insists on, so an admin is not surprised.
    expect(strings.get('ServiceUrl_Help')).toMatch(/https:\/\//);
    expect(strings.get('MfaIssuer_Help')).toMatch(/https:\/\//);
  });

  it('reads back what Group Policy writes for Enabled and Disabled policies', () => {
    const enabled = regQueryOutput([
      ['ServiceUrl', 'REG_SZ', 'https://posture.example.com'],
      ['EnrollmentCode', 'REG_SZ', 'enr_v0SUPcRNYvhEG9aGz1plGw'],
      ['MfaIssuer', 'REG_SZ', 'https://login.example.com/realms/ai-factory'],
      ['AllowQuit', 'REG_DWORD', '0x1'],
      ['StartAtLogin', 'REG_DWORD', '0x1'],
      ['Notifications', 'REG_DWORD', '0x1'],
    ]);
    expect(parseRegistryPolicy(enabled)).toEqual({
      settings: { serviceUrl: 'https://posture.example.com', enrollmentCode: 'enr_v0SUPcRNYvhEG9aGz1plGw', mfaIssuer: 'https://login.example.com/realms/ai-factory', allowQuit: true, startAtLogin: true, notifications: true },
      problems: [],
    });
    const disabled = regQueryOutput([
      ['AllowQuit', 'REG_DWORD', '0x0'],
      ['StartAtLogin', 'REG_DWORD', '0x0'],
      ['Notifications', 'REG_DWORD', '0x0'],
    ]);
    expect(parseRegistryPolicy(disabled)).toEqual({ settings: { allowQuit: false, startAtLogin: false, notifications: false }, problems: [] });
    // A URL the template accepts but the agent refuses (http to a remote host) is reported, not used.
    const insecure = parseRegistryPolicy(regQueryOutput([['ServiceUrl', 'REG_SZ', 'http://posture.example.com']]));
    expect(insecure.settings).toEqual({});
    expect(insecure.problems).toEqual(['invalid value for serviceUrl']);
  });
});
