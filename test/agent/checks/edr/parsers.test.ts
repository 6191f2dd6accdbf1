import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProductState, parseAntivirusProductList, parseWmicAntivirusDisplayNames } from '../../../../src/agent/checks/edr/parse-antivirus-product.js';
import { bduitoolReading, parseBduitoolGetPs } from '../../../../src/agent/checks/edr/parse-bduitool.js';
import { defenderRtpFromRegistry, parseDisableRealtimeMonitoring } from '../../../../src/agent/checks/edr/parse-defender-registry.js';
import { cytoolReading, parseCytoolRuntime } from '../../../../src/agent/checks/edr/parse-cytool.js';
import { falconctlReading, parseFalconctl } from '../../../../src/agent/checks/edr/parse-falconctl.js';
import { mdatpReading, parseMdatpHealth } from '../../../../src/agent/checks/edr/parse-mdatp-health.js';
import { mpComputerStatusReading, parseMpComputerStatus } from '../../../../src/agent/checks/edr/parse-mp-computer-status.js';
import { parsePsComm, parseTasklistCsv } from '../../../../src/agent/checks/edr/parse-process-list.js';
import { parseRepcliStatus, repcliReading } from '../../../../src/agent/checks/edr/parse-repcli.js';
import { mergeSentinelctl, parseSentinelctl, sentinelctlReading } from '../../../../src/agent/checks/edr/parse-sentinelctl.js';
import { parseWazuhState, wazuhStateReading } from '../../../../src/agent/checks/edr/parse-wazuh-state.js';
import { productIdForDisplayName, productsRunning } from '../../../../src/agent/checks/edr/products.js';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseAntivirusProductList,
  parseWmicAntivirusDisplayNames,
  parseBduitoolGetPs,
  parseCytoolRuntime,
  parseFalconctl,
  parseMdatpHealth,
  parseMpComputerStatus,
  parsePsComm,
  parseTasklistCsv,
  parseRepcliStatus,
  parseSentinelctl,
  parseWazuhState,
  parseDisableRealtimeMonitoring,
};

const cases = loadFixtureCases('edr');

describe('edr parsers over fixtures', () => {
  it('has every real capture of the shared fixtures (24) and synthetic cases', () => {
    expect(cases.filter((c) => !c.source.startsWith('synthetic:')).length).toBe(24);
    expect(cases.filter((c) => c.source.startsWith('synthetic:')).length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('parses %s to its expected reading', (_name, c) => {
    const parse = PARSERS[c.parser];
    expect(parse, `unknown parser ${c.parser}`).toBeDefined();
    expect(parse?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined))).toEqual(c.expected);
  });
});

describe('edr parsers never throw', () => {
  const all = Object.entries(PARSERS);
  it('on random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const [, parse] of all) parse(s);
      }),
      { numRuns: 300 },
    );
  });

  it('on random bytes decoded as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = decodeText(bytes);
        for (const [, parse] of all) parse(text);
      }),
      { numRuns: 300 },
    );
  });

  it('on line-shaped input built from the formats they expect', () => {
    const line = fc.oneof(
      fc.constantFrom('Agent state      ', 'aid=', 'rfm-state=', 'status=\'', 'displayName : ', 'AMServiceEnabled : ', '  - Antimalware status: ', '{"healthy":', 'Name PID User Status', '"x.exe",', '\t'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(line, { maxLength: 4 }).map((a) => a.join('')), { maxLength: 12 }), (lines) => {
        const text = lines.join('\n');
        for (const [, parse] of all) parse(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readings', () => {
  it('reports Falcon with an agent ID and rfm-state=false as registered and healthy', () => {
    const p = parseFalconctl('aid="0123456789abcdef0123456789abcdef", rfm-state=false, version = 7.14.16703.0\n');
    expect(p.ok && falconctlReading(p)).toMatchObject({ registered: true, healthy: true, version: '7.14.16703.0' });
  });

  it('reports Falcon in reduced functionality mode as unhealthy', () => {
    const p = parseFalconctl('rfm-state=true.\n');
    expect(p.ok && falconctlReading(p)).toMatchObject({ healthy: false, issues: ['reduced functionality mode'] });
  });

  it('reports Falcon without an agent ID as not registered and its unset RFM state as unreadable', () => {
    const p = parseFalconctl('cid="ac917ab****", aid is not set, rfm-state is not set, version = 6.38.13501.0\n');
    const r = p.ok ? falconctlReading(p) : undefined;
    expect(r?.registered).toBe(false);
    expect(r?.healthy).toBeUndefined();
    expect(r?.missing).toEqual([{ fact: 'healthy', reason: 'probe-failed', detail: 'falconctl reports rfm-state is not set' }]);
  });

  it('reports Defender in passive mode with real-time protection off', () => {
    const p = parseMdatpHealth('{"healthy":true,"licensed":true,"passiveModeEnabled":{"value":true},"realTimeProtectionEnabled":{"value":true}}');
    expect(p.ok && mdatpReading(p)).toMatchObject({ healthy: true, realTimeProtection: false, registered: true });
  });

  it('merges the three Linux sentinelctl outputs into one healthy, connected agent', () => {
    const parts = ['Agent version: 30.1.1.10\n', 'Agent state      Enabled\n', 'Anti Tamper      On\nConnectivity     On\n'].map(parseSentinelctl);
    const ok = parts.flatMap((p) => (p.ok ? [p] : []));
    expect(sentinelctlReading(mergeSentinelctl(ok))).toMatchObject({ version: '30.1.1.10', healthy: true, registered: true, tamperProtection: true });
  });

  it('reports Carbon Black on macOS without Full Disk Access as unhealthy', () => {
    const p = parseRepcliStatus('Sensor State: \n    State: Enabled\n    Details: \n        FullDiskAccess:NotEnabled\n');
    expect(p.ok && repcliReading(p)).toMatchObject({ healthy: false, issues: ['Full Disk Access is not granted to the sensor'] });
  });

  it('reports a stopped Cortex XDR component as unhealthy', () => {
    const p = parseCytoolRuntime('Name PID User Status Command\n pmd 0 root Stopped /opt/traps/bin/pmd\n');
    expect(p.ok && cytoolReading(p)).toMatchObject({ healthy: false, issues: ['component pmd is Stopped'] });
  });

  it('reads Bitdefender antimalware as real-time protection', () => {
    const p = parseBduitoolGetPs('Product version: 7.0.3.2239\nNew security content available: no\nFeatures:\n  - Antimalware status: On\n');
    expect(p.ok && bduitoolReading(p)).toEqual({ issues: [], version: '7.0.3.2239', realTimeProtection: true, definitionsUpToDate: true });
  });

  it('reads a connected Wazuh agent with its last acknowledgement as last contact (local time)', () => {
    const p = parseWazuhState("status='connected'\nlast_keepalive='2024-05-06 09:10:11'\nlast_ack='2024-05-06 09:10:05'\n");
    expect(p.ok && wazuhStateReading(p)).toMatchObject({ healthy: true, registered: true, lastCloudContact: '2024-05-06T09:10:05' });
  });

  it('reads Windows Defender in passive mode as real-time protection off', () => {
    const p = parseMpComputerStatus('AMRunningMode : Passive Mode\nAMServiceEnabled : True\nAntivirusEnabled : True\nRealTimeProtectionEnabled : True\n');
    expect(p.ok && mpComputerStatusReading(p)).toMatchObject({ healthy: true, realTimeProtection: false, running: true });
  });

  it('reads Defender RTP off from a registry 1 in either key, Group Policy first, and never on', () => {
    const absent = {};
    expect(defenderRtpFromRegistry({ disabled: true }, absent)).toEqual({ verdict: 'off', from: 'local' });
    expect(defenderRtpFromRegistry(absent, { disabled: true })).toEqual({ verdict: 'off', from: 'policy' });
    expect(defenderRtpFromRegistry({ unreadable: true }, { disabled: true })).toEqual({ verdict: 'off', from: 'policy' });
    expect(defenderRtpFromRegistry({ disabled: false }, absent)).toEqual({ verdict: 'unconfirmed', from: 'local' });
    expect(defenderRtpFromRegistry(absent, absent)).toEqual({ verdict: 'unconfirmed', from: 'local' });
    // A configured policy wins: 0 there keeps RTP on whatever the local value says (still not proof).
    expect(defenderRtpFromRegistry({ disabled: true }, { disabled: false })).toEqual({ verdict: 'unconfirmed', from: 'policy' });
    // An unreadable policy key might override the local value either way.
    expect(defenderRtpFromRegistry({ disabled: true }, { unreadable: true })).toEqual({ verdict: 'unreadable', from: 'policy' });
    expect(defenderRtpFromRegistry({ unreadable: true }, absent)).toEqual({ verdict: 'unreadable', from: 'local' });
  });

  it('decodes Security Center productState bytes and nothing undocumented', () => {
    expect(decodeProductState(397568)).toEqual({ enabled: true, definitionsUpToDate: true });
    expect(decodeProductState(393472)).toEqual({ enabled: false, definitionsUpToDate: true });
    expect(decodeProductState(0x061110)).toEqual({ enabled: true, definitionsUpToDate: false });
    expect(decodeProductState(0x062222)).toEqual({});
    expect(decodeProductState(-1)).toEqual({});
  });
});

describe('product catalog', () => {
  it('maps Security Center display names, keeping Bitdefender apart from Defender', () => {
    expect(productIdForDisplayName('Windows Defender')).toBe('microsoft_defender');
    expect(productIdForDisplayName('Bitdefender Endpoint Security Tools Antimalware')).toBe('bitdefender');
    expect(productIdForDisplayName('CrowdStrike Falcon Sensor')).toBe('crowdstrike_falcon');
    expect(productIdForDisplayName('Sentinel Agent')).toBe('sentinelone');
    expect(productIdForDisplayName('Kaspersky Endpoint Security für Windows')).toBeUndefined();
  });

  it('matches Linux process names cut to 15 characters', () => {
    expect([...productsRunning('linux', ['elastic-endpoin', 'sophos_threat_d'], new Set())].sort()).toEqual(['elastic_endpoint', 'sophos']);
  });

  it('counts generic process names only when the product is installed', () => {
    expect(productsRunning('linux', ['pmd'], new Set()).has('cortex_xdr')).toBe(false);
    expect(productsRunning('linux', ['pmd'], new Set(['cortex_xdr'])).has('cortex_xdr')).toBe(true);
  });

  it('matches Windows image names case-insensitively and macOS processes by basename or path', () => {
    expect(productsRunning('win32', ['msmpeng.EXE'], new Set()).has('microsoft_defender')).toBe(true);
    expect(productsRunning('darwin', ['/Library/Application Support/PaloAltoNetworks/Traps/bin/pmd'], new Set()).has('cortex_xdr')).toBe(true);
    expect(productsRunning('darwin', ['/usr/sbin/pmd'], new Set()).has('cortex_xdr')).toBe(false);
  });
});
