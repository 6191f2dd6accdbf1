import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, type TextEncodingHint } from '../../../../src/agent/exec/decode.js';
import { compareKernelReleases, kernelRebootReading } from '../../../../src/agent/checks/os-patch/kernel-versions.js';
import { parseApkVersion } from '../../../../src/agent/checks/os-patch/parse-apk.js';
import { parseAptHistoryLog, parseDpkgLog } from '../../../../src/agent/checks/os-patch/parse-apt-history.js';
import { parseAptListUpgradable, parseUpdateNotifier } from '../../../../src/agent/checks/os-patch/parse-apt.js';
import { parseDnfCheckUpdate, parseDnfRpmLog, parseUpdateInfoList } from '../../../../src/agent/checks/os-patch/parse-dnf.js';
import { parseGetHotFix, parseWmicQfe } from '../../../../src/agent/checks/os-patch/parse-hotfix.js';
import { parseInstallHistory } from '../../../../src/agent/checks/os-patch/parse-install-history.js';
import { parseOsRelease } from '../../../../src/agent/checks/os-patch/parse-os-release.js';
import { parsePacmanLog, parsePacmanQu } from '../../../../src/agent/checks/os-patch/parse-pacman.js';
import { parseWindowsCurrentVersion } from '../../../../src/agent/checks/os-patch/parse-current-version.js';
import { parseSoftwareUpdateList } from '../../../../src/agent/checks/os-patch/parse-softwareupdate.js';
import { parseSwVers } from '../../../../src/agent/checks/os-patch/parse-sw-vers.js';
import { parseSystemInfo } from '../../../../src/agent/checks/os-patch/parse-systeminfo.js';
import { parseWuPending } from '../../../../src/agent/checks/os-patch/parse-wu-pending.js';
import { parseZyppHistory, parseZypperListPatches } from '../../../../src/agent/checks/os-patch/parse-zypper.js';
import { parseRegQuery } from '../../../../src/agent/checks/windows-registry.js';
import { loadFixtureCases } from '../../../helpers/fixtures.js';

const PARSERS: Readonly<Record<string, (text: string) => unknown>> = {
  parseOsRelease,
  parseAptListUpgradable,
  parseUpdateNotifier,
  parseAptHistoryLog,
  parseDpkgLog,
  parseDnfCheckUpdate,
  parseUpdateInfoList,
  parseDnfRpmLog,
  parseZypperListPatches,
  parseZyppHistory,
  parsePacmanQu,
  parsePacmanLog,
  parseApkVersion,
  parseSwVers,
  parseSoftwareUpdateList,
  parseInstallHistory,
  parseRegQuery,
  parseWindowsCurrentVersion,
  parseSystemInfo,
  parseGetHotFix,
  parseWmicQfe,
  parseWuPending,
};

const cases = loadFixtureCases('os_patch');

describe('os_patch parsers over fixture files', () => {
  it('has every real capture the brief names, each citing its source', () => {
    const real = cases.filter((c) => !c.source.startsWith('synthetic:'));
    expect(real).toHaveLength(48);
    for (const c of real) expect(c.source).toMatch(/^\S+\/\S+ : .+ @ [0-9a-f]{12}.*\(copied from shared\/fixtures\/real-output\/(linux|macos|windows)\/.+\)$/);
  });

  it.each(cases.map((c) => [c.name, c] as const))('parses %s to its expected reading', (_name, c) => {
    const parse = PARSERS[c.parser];
    expect(parse, `unknown parser ${c.parser}`).toBeDefined();
    const text = decodeText(c.input, c.encoding as TextEncodingHint | undefined);
    expect(parse?.(text)).toEqual(c.expected);
  });
});

describe('readings the fixture index states', () => {
  const reading = (file: string): unknown => {
    const c = cases.find((x) => x.name.endsWith(file));
    if (!c) throw new Error(`no fixture ${file}`);
    return PARSERS[c.parser]?.(decodeText(c.input, c.encoding as TextEncodingHint | undefined));
  };

  it('counts 9 security updates among 15 pending on Ubuntu jammy', () => {
    expect(reading('apt-list-upgradable__jammy-15-pending.txt')).toMatchObject({ ok: true, securityCount: 9, packages: expect.any(Array) });
  });

  it('reports a failed macOS scan as unknown, never as up to date', () => {
    expect(reading('softwareupdate-list__error-scan.txt')).toMatchObject({ ok: false, scanFailed: true });
  });

  it('names Windows 11 from the build even though ProductName says Windows 10', () => {
    expect(reading('reg-query-HKLM-WindowsNT-CurrentVersion__win11-25H2-productname-says-windows-10.txt')).toMatchObject({ name: 'Windows 11 Pro', build: '26200.6901', displayVersion: '25H2' });
  });

  it('survives the truncated German systeminfo hotfix list and dedupes its KBs', () => {
    expect(reading('systeminfo__de-DE-win7sp1-263-hotfixes.txt')).toMatchObject({ ok: true, listed: 245, reportedCount: 263, truncated: true });
  });

  it('decodes the GBK Chinese systeminfo and finds its one hotfix', () => {
    expect(reading('systeminfo__zh-CN-gbk-encoded-win10-1809.txt')).toMatchObject({ osVersion: '10.0.17763', hotfixes: ['KB4464455'] });
  });

  it('reads the Russian wmic dates although the Cyrillic column shifts them', () => {
    expect(reading('wmic-qfe-list__ru-RU-server2012r2.txt')).toMatchObject({ hotfixes: expect.arrayContaining([{ id: 'KB2999226', description: 'Update', installedOn: '2020-04-17' }]) });
  });

  it('takes the last upgrade from apt history, skipping installs, removals and the failed transaction', () => {
    expect(reading('apt-history-log__debian9-upgrade-install-error-remove-purge.txt')).toMatchObject({ lastUpgradeAt: '2019-07-10T16:38:10' });
  });
});

describe('parsers on hostile input', () => {
  const all = Object.entries(PARSERS);

  it.each(all)('%s never throws on random strings', (_name, parse) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        parse(s);
      }),
      { numRuns: 300 },
    );
  });

  it.each(all)('%s never throws on random bytes decoded as text', (_name, parse) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        parse(decodeText(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it.each(all)('%s never throws on lines built from its own vocabulary', (_name, parse) => {
    const token = fc.constantFrom('Listing...', 'Label:', 'Title:', '* Label: macOS', 'HotFixID', 'KB123456', '[01]:', '|', 'REG_SZ', '    ', '\t', 'Start-Date:', 'Upgrade:', '<dict>', '</dict>', '<key>date</key>', '{', '[', '"', '2024-05-01', '5/16/2019', '-security', 'Obsoleting Packages', '->', '<');
    fc.assert(
      fc.property(fc.array(fc.array(token, { maxLength: 8 }).map((t) => t.join(' ')), { maxLength: 20 }), (ls) => {
        parse(ls.join('\n'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('kernel comparison for a pending reboot', () => {
  it('orders kernels of one flavour by their numbers', () => {
    expect(compareKernelReleases('6.1.0-21-amd64', '6.1.0-18-amd64')).toBeGreaterThan(0);
    expect(compareKernelReleases('6.5.6-300.fc39.x86_64', '6.5.6-300.fc39.x86_64')).toBe(0);
  });

  it('sees a newer installed kernel as a pending reboot', () => {
    expect(kernelRebootReading('6.1.0-18-amd64', ['6.1.0-18-amd64', '6.1.0-21-amd64'])).toMatchObject({ pending: true });
  });

  it('ignores a newer kernel of another flavour', () => {
    expect(kernelRebootReading('6.1.0-21-amd64', ['6.1.0-21-amd64', '6.1.0-25-cloud-amd64'])).toEqual({ pending: false });
  });

  it('sees a running kernel that was replaced in place (Arch) as a pending reboot', () => {
    expect(kernelRebootReading('6.7.1-arch1-1', ['6.7.2-arch1-1', 'extramodules-6.7-arch'])).toMatchObject({ pending: true });
  });

  it('cannot tell without installed kernels (containers)', () => {
    expect(kernelRebootReading('6.18.44-fc-v657', []).pending).toBeUndefined();
  });
});
