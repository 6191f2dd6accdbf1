/**
 * The macOS configuration profile (build/macos/ai-factory-posture.mobileconfig) against the
 * reader of managed preferences (`managedSourceFor('darwin')`, `parsePlist`): the profile is
 * a `com.apple.ManagedClient.preferences` payload (Apple's documented "managed preferences"
 * shape: domain → Forced → mcx_preference_settings) for the agent's preference domain, and
 * the forced settings, written out as the plist macOS puts in /Library/Managed Preferences,
 * read back as the intended settings with no problem. (No Mac here: the profile has not been
 * installed on one; the plist written below is built from the profile, not captured.)
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { APP_ID, managedSourceFor, parsePlist, SETTING_KEYS } from '../../../src/agent/config/managed-config.js';

const PROFILE = 'build/macos/ai-factory-posture.mobileconfig';

type PlistValue = string | number | boolean | PlistValue[] | { [k: string]: PlistValue };
type Dict = Record<string, PlistValue>;

const elements = (el: Element): Element[] => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);

/** An XML plist value as a JS value (dict, array, string, integer, real, true, false). @throws on anything else. */
function plistValue(el: Element): PlistValue {
  switch (el.tagName) {
    case 'dict': {
      const out: Dict = {};
      const kids = elements(el);
      for (let i = 0; i < kids.length; i += 2) {
        const [key, value] = [kids[i], kids[i + 1]];
        if (key?.tagName !== 'key' || !value) throw new Error('dict: key without value');
        out[key.textContent ?? ''] = plistValue(value);
      }
      return out;
    }
    case 'array':
      return elements(el).map(plistValue);
    case 'string':
      return el.textContent ?? '';
    case 'integer':
    case 'real':
      return Number(el.textContent);
    case 'true':
      return true;
    case 'false':
      return false;
    default:
      throw new Error(`unexpected plist element <${el.tagName}>`);
  }
}

/** The XML plist macOS writes for a dict of forced settings (SYNTHETIC: built here, not captured). */
function managedPreferencesPlist(settings: Dict): Uint8Array {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const entries = Object.entries(settings).map(([k, v]) => {
    const value = typeof v === 'boolean' ? `<${String(v)}/>` : typeof v === 'number' ? `<integer>${v}</integer>` : `<string>${esc(String(v))}</string>`;
    return `\t<key>${esc(k)}</key>\n\t${value}`;
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${entries.join('\n')}\n</dict>\n</plist>\n`;
  return new TextEncoder().encode(xml);
}

function loadProfile(): Dict {
  const problems: string[] = [];
  const doc = new DOMParser({ errorHandler: (level: string, msg: unknown) => problems.push(`${level}: ${String(msg)}`) }).parseFromString(readFileSync(PROFILE, 'utf8'), 'text/xml');
  expect(problems).toEqual([]);
  const root = doc.documentElement;
  if (root?.tagName !== 'plist') throw new Error('not a plist');
  const [top] = elements(root);
  if (!top) throw new Error('empty plist');
  return plistValue(top) as Dict;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

describe('macOS configuration profile', () => {
  const profile = loadProfile();
  const payloads = profile.PayloadContent as Dict[];
  const prefs = payloads[0] ?? {};
  const domains = prefs.PayloadContent as Dict;
  const forced = ((domains[APP_ID] as Dict | undefined)?.Forced as Dict[] | undefined)?.[0]?.mcx_preference_settings as Dict | undefined;

  it('is a device-wide configuration profile with one managed-preferences payload for the agent domain', () => {
    expect(profile).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1, PayloadScope: 'System' });
    expect(payloads).toHaveLength(1);
    expect(prefs).toMatchObject({ PayloadType: 'com.apple.ManagedClient.preferences', PayloadVersion: 1 });
    expect(Object.keys(domains)).toEqual([APP_ID]);
    expect(String(prefs.PayloadIdentifier)).not.toBe(String(profile.PayloadIdentifier));
    for (const uuid of [profile.PayloadUUID, prefs.PayloadUUID]) expect(String(uuid)).toMatch(UUID);
    expect(prefs.PayloadUUID).not.toBe(profile.PayloadUUID);
    // The file the reader looks at first is the one macOS writes for this domain.
    const source = managedSourceFor('darwin');
    expect(source.kind === 'plist' ? source.paths[0] : undefined).toBe(`/Library/Managed Preferences/${APP_ID}.plist`);
  });

  it('forces only known settings, every fleet-wide one, never the single-use enrolment code', () => {
    expect(forced).toBeDefined();
    const keys = Object.keys(forced ?? {}).map((k) => k.toLowerCase());
    expect(keys.sort()).toEqual(SETTING_KEYS.filter((k) => k !== 'enrollmentCode').map((k) => k.toLowerCase()).sort());
  });

  it('reads back, from the managed preferences plist macOS writes, as the intended settings', () => {
    expect(parsePlist(managedPreferencesPlist(forced ?? {}))).toEqual({
      settings: { serviceUrl: 'https://posture.example.com', mfaIssuer: 'https://login.example.com/realms/ai-factory', allowQuit: false, startAtLogin: true, notifications: true },
      problems: [],
    });
  });
});
