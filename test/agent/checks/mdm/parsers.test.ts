import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeEnrollments } from '../../../../src/agent/checks/mdm/parse-enrollments.js';
import { dsregcmdJoinState, parseDsregcmdStatus } from '../../../../src/agent/checks/mdm/parse-dsregcmd.js';
import { parseJcAgentConf, parseLandscapeClientConf } from '../../../../src/agent/checks/mdm/parse-linux-agents.js';
import { parseMdmclientInstalledProfiles, parseMdmclientSecurityInfo } from '../../../../src/agent/checks/mdm/parse-mdmclient.js';
import { parseProfilesEnrollment } from '../../../../src/agent/checks/mdm/parse-profiles.js';
import { providerFromUrl } from '../../../../src/agent/checks/mdm/providers.js';
import { parseRegQuery } from '../../../../src/agent/checks/windows-registry.js';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';
import { fixture } from '../firewall/replay.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseDsregcmdStatus,
  parseMdmclientInstalledProfiles,
  parseMdmclientSecurityInfo,
  parseProfilesEnrollment,
  parseRegQuery,
  parseJcAgentConf,
  parseLandscapeClientConf,
};

const cases = loadFixtureCases('mdm');

describe('mdm parsers over fixtures', () => {
  it('includes the real dsregcmd and mdmclient captures', () => {
    expect(cases.filter((c) => !c.source.startsWith('synthetic:')).map((c) => c.name.split('/').pop())).toHaveLength(7);
  });

  it.each(cases.map((c) => [c.name, c] as const))('parses %s to its expected reading', (_name, c) => {
    const parse = PARSERS[c.parser];
    expect(parse, `parser ${c.parser} is mapped`).toBeDefined();
    expect(parse?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined))).toEqual(c.expected);
  });

  it('never throw on random text or bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map((b) => decodeText(b))), (s) => {
        for (const parse of Object.values(PARSERS)) parse(s);
      }),
      { numRuns: 400 },
    );
  });
});

describe('mdm parsers on hostile names', () => {
  it('never write to Object.prototype or return inherited members', () => {
    const ds = parseDsregcmdStatus('| __proto__ |\n AzureAdJoined : YES\n constructor : x\n');
    expect(ds).toEqual({ ok: true, sections: { '': { AzureAdJoined: 'YES', constructor: 'x' } } });
    const reg = parseRegQuery('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments\\5B4C2A1E-8F3D-4E6A-9C1B-2D7E8F9A0B1C\n    ProviderID    REG_SZ    constructor\n    EnrollmentState    REG_DWORD    0x1\n    __proto__    REG_SZ    x\n');
    if (!reg.ok) throw new Error(reg.error);
    expect(activeEnrollments(reg.keys)[0]?.provider).toBe('constructor');
    expect(({} as Record<string, unknown>).AzureAdJoined).toBeUndefined();
  });
});

function sections(rel: string) {
  const parsed = parseDsregcmdStatus(decodeText(fixture(rel)));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.sections;
}

describe('dsregcmd join state', () => {
  it('reads a hybrid joined device (Entra and domain)', () => {
    expect(dsregcmdJoinState(sections('mdm/win32/dsregcmd-status-section-device-state__msdocs-hybrid-joined.txt'))).toEqual({
      azureAdJoined: true,
      enterpriseJoined: false,
      domainJoined: true,
      domainName: 'HYBRIDADFS',
    });
  });

  it('reads an Entra joined device with irregular spacing and an empty MdmUrl', () => {
    expect(dsregcmdJoinState(sections('mdm/win32/dsregcmd-status__aad-joined-prt-yes-ngc-no-irregular-spacing.txt'))).toEqual({
      azureAdJoined: true,
      enterpriseJoined: false,
      domainJoined: false,
      workplaceJoined: false,
      ngcSet: false,
      tenantName: 'Default Directory',
    });
  });

  it('reads a device joined nowhere, ignoring WamDefaultSet ERROR', () => {
    expect(dsregcmdJoinState(sections('mdm/win32/dsregcmd-status__not-joined.txt'))).toEqual({
      azureAdJoined: false,
      enterpriseJoined: false,
      domainJoined: false,
      workplaceJoined: false,
      ngcSet: false,
    });
  });
});

describe('Windows MDM enrollments', () => {
  it('finds the active Intune enrollment and ignores the local WMI bridge', () => {
    const parsed = parseRegQuery(decodeText(fixture('mdm/win32/reg-query-enrollments__intune-active.txt')));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(activeEnrollments(parsed.keys)).toEqual([
      {
        id: '5B4C2A1E-8F3D-4E6A-9C1B-2D7E8F9A0B1C',
        providerId: 'MS DM Server',
        provider: 'intune',
        state: 1,
        type: 13,
        upn: 'alice@contoso.com',
        serverUrl: 'https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc',
      },
    ]);
  });

  it('finds none under an Enrollments key without subkeys', () => {
    const parsed = parseRegQuery(decodeText(fixture('mdm/win32/reg-query-enrollments__de-DE-trailer.txt')));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(activeEnrollments(parsed.keys)).toEqual([]);
  });
});

describe('MDM provider names', () => {
  it('names vendors from their domains and nothing else', () => {
    expect(providerFromUrl('https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc')).toBe('intune');
    expect(providerFromUrl('https://acme.jamfcloud.com/mdm/ServerURL')).toBe('jamf');
    expect(providerFromUrl('https://acme.kandji.io/mdm')).toBe('kandji');
    expect(providerFromUrl('https://jamfcloud.com.evil.example/mdm')).toBeUndefined();
    expect(providerFromUrl('https://mdm.example.com/mdm/apple/mdm')).toBeUndefined();
    expect(providerFromUrl('not a url')).toBeUndefined();
  });
});
