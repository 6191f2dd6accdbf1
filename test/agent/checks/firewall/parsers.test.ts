import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFirewallCmdState, parseFirewalldConf } from '../../../../src/agent/checks/firewall/parse-firewalld.js';
import { parseIptablesInput } from '../../../../src/agent/checks/firewall/parse-iptables.js';
import { parseNftRuleset } from '../../../../src/agent/checks/firewall/parse-nft.js';
import { parseSocketfilterfwApps, parseSocketfilterfwState } from '../../../../src/agent/checks/firewall/parse-socketfilterfw.js';
import { parseUfwConf, parseUfwStatus } from '../../../../src/agent/checks/firewall/parse-ufw.js';
import { parseNetFirewallProfiles, parseNetshAllProfilesState } from '../../../../src/agent/checks/firewall/parse-windows-firewall.js';
import { parseFirewallRegistry } from '../../../../src/agent/checks/firewall/parse-windows-firewall-registry.js';
import { parseMdmclientSecurityInfo } from '../../../../src/agent/checks/mdm/parse-mdmclient.js';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';

const PARSERS: Record<string, (text: string) => unknown> = {
  parseUfwConf,
  parseUfwStatus,
  parseFirewallCmdState,
  parseFirewalldConf,
  parseNftRuleset,
  parseIptablesInput,
  parseSocketfilterfwState,
  parseSocketfilterfwApps,
  parseMdmclientSecurityInfo,
  parseNetFirewallProfiles,
  parseNetshAllProfilesState,
  parseFirewallRegistry,
};

const cases = loadFixtureCases('firewall');

describe('firewall parsers over fixtures', () => {
  it('has real captures and synthetic cases, each with a source', () => {
    expect(cases.filter((c) => !c.source.startsWith('synthetic:')).length).toBe(3);
    expect(cases.filter((c) => c.source.startsWith('synthetic:')).length).toBeGreaterThan(20);
  });

  it.each(cases.map((c) => [c.name, c] as const))('parses %s to its expected reading', (_name, c) => {
    const parse = PARSERS[c.parser];
    expect(parse, `parser ${c.parser} is mapped`).toBeDefined();
    expect(parse?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined))).toEqual(c.expected);
  });
});

describe('firewall parsers on hostile input', () => {
  it('never throw on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const parse of Object.values(PARSERS)) parse(s);
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on random bytes decoded as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = decodeText(bytes);
        for (const parse of Object.values(PARSERS)) parse(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on JSON of random shape', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        parseNftRuleset(json);
        parseNftRuleset(`{"nftables": [${json}]}`);
        parseNetFirewallProfiles(json);
        parseNetFirewallProfiles(`{"Profiles": ${json}}`);
      }),
      { numRuns: 300 },
    );
  });
});
