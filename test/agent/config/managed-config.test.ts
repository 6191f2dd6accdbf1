import { describe, expect, it } from 'vitest';
import {
  effectiveSettings,
  managedSourceFor,
  mergeManaged,
  normaliseManaged,
  parseManagedJson,
  parsePlist,
  parseRegistryPolicy,
  parseXmlPlistDict,
} from '../../../src/agent/config/managed-config.js';

// Made with Python's plistlib (FMT_BINARY) from
// {'ServiceUrl': 'https://posture.example.com', 'AllowQuit': False, 'StartAtLogin': True, 'Unknown': 'x', 'Nested': {'a': 1}, 'CheckIntervalSeconds': 300}
const BINARY_PLIST = 'YnBsaXN0MDDWAQIDBAUGBwgJDA0OWUFsbG93UXVpdF8QFENoZWNrSW50ZXJ2YWxTZWNvbmRzVk5lc3RlZFpTZXJ2aWNlVXJsXFN0YXJ0QXRMb2dpbldVbmtub3duCBEBLNEKC1FhEAFfEBtodHRwczovL3Bvc3R1cmUuZXhhbXBsZS5jb20JUXgIFR82PUhVXV5hZGZohocAAAAAAAABAQAAAAAAAAAPAAAAAAAAAAAAAAAAAAAAiQ==';
// plistlib FMT_BINARY of {'serviceUrl': 'https://posture.example.com/ünïcode'} (UTF-16 string object).
const BINARY_PLIST_UTF16 = 'YnBsaXN0MDDRAQJac2VydmljZVVybG8QIwBoAHQAdABwAHMAOgAvAC8AcABvAHMAdAB1AHIAZQAuAGUAeABhAG0AcABsAGUALgBjAG8AbQAvAPwAbgDvAGMAbwBkAGUICxYAAAAAAAABAQAAAAAAAAADAAAAAAAAAAAAAAAAAAAAXw==';

const XML_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>AllowQuit</key>
	<false/>
	<key>Extra</key>
	<dict>
		<key>ServiceUrl</key>
		<string>https://evil.example.com</string>
		<key>Inner</key>
		<array><dict><key>allowQuit</key><true/></dict></array>
	</dict>
	<key>Notifications</key>
	<true/>
	<key>ServiceUrl</key>
	<string>https://a.example.com/?x=1&amp;y=2</string>
</dict>
</plist>
`;

describe('managed configuration sources', () => {
  it('names the OS places: /etc JSON on Linux, managed preferences on macOS (user file last), the policy key on Windows', () => {
    expect(managedSourceFor('linux')).toEqual({ kind: 'json-file', path: '/etc/ai-factory-posture/managed.json' });
    expect(managedSourceFor('darwin', 'ada')).toEqual({ kind: 'plist', paths: ['/Library/Managed Preferences/dev.ai-factory-posture.agent.plist', '/Library/Managed Preferences/ada/dev.ai-factory-posture.agent.plist'] });
    expect(managedSourceFor('darwin', '../etc')).toEqual({ kind: 'plist', paths: ['/Library/Managed Preferences/dev.ai-factory-posture.agent.plist'] });
    expect(managedSourceFor('win32')).toEqual({ kind: 'registry', key: 'HKLM\\SOFTWARE\\Policies\\AIFactoryPosture' });
  });
});

describe('parsing managed settings', () => {
  it('keeps valid keys of managed.json, case-insensitively, and reports the rest without dropping the good ones', () => {
    const c = parseManagedJson(JSON.stringify({ ServiceURL: 'https://posture.example.com', allowQuit: 'no', startAtLogin: false, colour: 'red' }));
    expect(c.settings).toEqual({ serviceUrl: 'https://posture.example.com', startAtLogin: false });
    expect(c.problems).toEqual(['invalid value for allowQuit', 'unknown key colour']);
  });

  it('refuses a plain-http service URL except on loopback', () => {
    expect(normaliseManaged({ serviceUrl: 'http://posture.example.com' }).settings).toEqual({});
    expect(normaliseManaged({ serviceUrl: 'http://127.0.0.1:8443' }).settings).toEqual({ serviceUrl: 'http://127.0.0.1:8443' });
  });

  it('reports a managed.json that is not JSON or not an object', () => {
    expect(parseManagedJson('{nope')).toEqual({ settings: {}, problems: ['managed.json is not valid JSON'] });
    expect(parseManagedJson('[1]')).toEqual({ settings: {}, problems: ['managed.json is not a JSON object'] });
  });

  it('reads the policy registry key: REG_SZ strings and REG_DWORD 0/1 booleans', () => {
    const out = [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\AIFactoryPosture',
      '    ServiceUrl    REG_SZ    https://posture.corp.example',
      '    AllowQuit    REG_DWORD    0x0',
      '    Notifications    REG_DWORD    0x1',
      '    StartAtLogin    REG_DWORD    0x2',
      '',
    ].join('\r\n');
    const c = parseRegistryPolicy(out);
    expect(c.settings).toEqual({ serviceUrl: 'https://posture.corp.example', allowQuit: false, notifications: true });
    expect(c.problems).toEqual(['invalid value for startAtLogin']);
    expect(parseRegistryPolicy('')).toEqual({ settings: {}, problems: [] });
    expect(parseRegistryPolicy('ERROR: garbage').problems[0]).toMatch(/not recognised/);
  });

  it('reads an XML plist, ignoring keys inside nested dicts and arrays', () => {
    expect(parseXmlPlistDict(XML_PLIST)).toEqual({ AllowQuit: false, Notifications: true, ServiceUrl: 'https://a.example.com/?x=1&y=2' });
    expect(parsePlist(new TextEncoder().encode(XML_PLIST)).settings).toEqual({ allowQuit: false, notifications: true, serviceUrl: 'https://a.example.com/?x=1&y=2' });
  });

  it('reads a binary plist as MDM writes it (nested containers skipped, unknown keys reported)', () => {
    const c = parsePlist(Buffer.from(BINARY_PLIST, 'base64'));
    expect(c.settings).toEqual({ serviceUrl: 'https://posture.example.com', allowQuit: false, startAtLogin: true });
    expect(c.problems.sort()).toEqual(['unknown key CheckIntervalSeconds', 'unknown key Unknown']);
    expect(parsePlist(Buffer.from(BINARY_PLIST_UTF16, 'base64')).settings).toEqual({ serviceUrl: 'https://posture.example.com/ünïcode' });
  });

  it('reports a truncated binary plist instead of throwing', () => {
    const c = parsePlist(Buffer.from(BINARY_PLIST, 'base64').subarray(0, 60));
    expect(c.settings).toEqual({});
    expect(c.problems[0]).toMatch(/^plist not readable/);
  });
});

describe('precedence', () => {
  it('managed settings beat user settings, which beat defaults; managed keys are locked', () => {
    const managed = mergeManaged([
      { settings: { serviceUrl: 'https://machine.example.com', allowQuit: false }, problems: [] },
      { settings: { serviceUrl: 'https://user-profile.example.com' }, problems: ['unknown key x'] },
    ]);
    const eff = effectiveSettings({ serviceUrl: 'https://mine.example.com', allowQuit: true, notifications: false }, managed);
    expect(eff.settings).toEqual({ serviceUrl: 'https://user-profile.example.com', allowQuit: false, startAtLogin: true, notifications: false });
    expect(eff.locked.sort()).toEqual(['allowQuit', 'serviceUrl']);
    expect(managed.problems).toEqual(['unknown key x']);
  });

  it('without managed configuration the user decides and nothing is locked', () => {
    expect(effectiveSettings({ startAtLogin: false }, { settings: {}, problems: [] })).toEqual({ settings: { allowQuit: true, startAtLogin: false, notifications: true }, locked: [] });
  });
});
