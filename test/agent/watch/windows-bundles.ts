/**
 * Windows replay bundles for the cheap-watcher tests, built from the example bundles
 * (examples/bundles/windows-laptop.json and windows-de-unencrypted.json, composed from real
 * captures of DIFFERENT machines; their `win32.tasklist` record is synthetic, see each
 * bundle's `note`) plus:
 * - a `win32.netsh-advfirewall` record (the bundles have none): SYNTHETIC, the text of
 *   test/fixtures/firewall/win32/netsh-advfirewall-state__en-all-on.txt (itself synthetic:
 *   no real netsh capture exists in the shared fixtures);
 * - `defenderGone`: SYNTHETIC edit of the laptop's tasklist record, MsMpEng.exe and
 *   NisSrv.exe removed (Defender's processes disappeared);
 * - `bitLockerOff`: the laptop with its `manage-bde -status` answered by the REAL German
 *   capture test/fixtures/disk_encryption/windows/manage-bde-status__de-DE-fully-decrypted-protection-off.txt
 *   (the record of windows-de-unencrypted.json);
 * - `firewallPublicOff`: SYNTHETIC edit of the netsh record, the Public profile's State OFF.
 *
 * The registry bundles: a non-English Windows, where netsh is unreadable, so the cheap
 * reading's firewall facts come from the registry. ALL SYNTHETIC (no real capture of these
 * keys exists): `winGerman` is the laptop with
 * - its netsh record replaced by test/fixtures/firewall/win32/netsh-advfirewall-state__de-DE-localised.txt;
 * - `win32.reg-firewall`: test/fixtures/firewall/win32/reg-query-enablefirewall__synthetic-de-DE-trailer-all-on.txt;
 * - `win32.reg-defender-rtp`: test/fixtures/edr/windows/synthetic-reg-query-defender-rtp__value-absent.txt;
 * - both policy keys absent (reg exits 1, its German error on stderr).
 * `winGermanFirewallPublicOff` swaps `win32.reg-firewall` for the `…__synthetic-public-off.txt`
 * case; `winGermanDefenderRtpOff` swaps `win32.reg-defender-rtp` for `synthetic-reg-query-defender-rtp__disabled-1.txt`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectReplay } from '../../../src/agent/collect.js';
import { createReplayProbeRunner } from '../../../src/agent/probes/replay-runner.js';
import type { ProbeRunner } from '../../../src/agent/probes/types.js';
import { collectWatchedWith, WATCHED_CHECK_DEFINITIONS } from '../../../src/agent/watch/index.js';
import type { Bundle, ProbeRecord } from '../../../src/shared/bundle.js';
import type { PostureReport } from '../../../src/shared/check-result.js';
import { FIXTURES_DIR } from '../../helpers/fixtures.js';
import { withStdout } from './bundles.js';

const ROOT = join(FIXTURES_DIR, '..', '..');
const example = (name: string): Bundle => JSON.parse(readFileSync(join(ROOT, 'examples', 'bundles', name), 'utf8')) as Bundle;
const fixture = (rel: string): string => readFileSync(join(FIXTURES_DIR, rel), 'utf8');
const stdoutOf = (b: Bundle, key: string): string => {
  const rec = b.probes.find((p) => p.key === key);
  if (rec?.stdout === undefined) throw new Error(`bundle has no text record ${key}`);
  return rec.stdout;
};

/** SYNTHETIC netsh record (see the module comment). */
const NETSH_EN_ALL_ON = fixture('firewall/win32/netsh-advfirewall-state__en-all-on.txt');
function withNetsh(b: Bundle, stdout: string): Bundle {
  const rec: ProbeRecord = { key: 'win32.netsh-advfirewall', probe: 'win32.netsh-advfirewall', kind: 'exec', command: 'netsh', args: ['advfirewall', 'show', 'allprofiles', 'state'], startedAt: b.collectedAt, durationMs: 0, exitCode: 0, stdout };
  return { ...b, probes: [...b.probes.filter((p) => p.key !== rec.key), rec] };
}

export const winLaptop = withNetsh(example('windows-laptop.json'), NETSH_EN_ALL_ON);
export const winDeUnencrypted = withNetsh(example('windows-de-unencrypted.json'), NETSH_EN_ALL_ON);

/** The real German "Vollständig entschlüsselt" capture (the record of windows-de-unencrypted.json). */
export const GERMAN_DECRYPTED = fixture('disk_encryption/windows/manage-bde-status__de-DE-fully-decrypted-protection-off.txt');

export const defenderGone = withStdout(
  winLaptop,
  'win32.tasklist',
  stdoutOf(winLaptop, 'win32.tasklist')
    .split('\n')
    .filter((l) => !/^"(MsMpEng|NisSrv)\.exe"/.test(l))
    .join('\n'),
);
export const bitLockerOff = withStdout(winLaptop, 'win32.manage-bde-status', GERMAN_DECRYPTED);
export const firewallPublicOff = withNetsh(winLaptop, NETSH_EN_ALL_ON.replace(/(Public Profile Settings: \r?\n-+\r?\nState +)ON/, '$1OFF'));

/** `b` with an exec record for `key` (replacing any record of it). */
function withExec(b: Bundle, key: string, command: string, args: string[], o: { stdout: string; exitCode?: number; stderr?: string }): Bundle {
  const rec: ProbeRecord = { key, probe: key, kind: 'exec', command, args, startedAt: b.collectedAt, durationMs: 0, exitCode: o.exitCode ?? 0, stdout: o.stdout, ...(o.stderr ? { stderr: o.stderr } : {}) };
  return { ...b, probes: [...b.probes.filter((p) => p.key !== key), rec] };
}

const REG_NOT_FOUND_DE = 'FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n';
const FIREWALL_LOCAL_ARGS = ['query', 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy', '/s', '/v', 'EnableFirewall'];
const withFirewallRegistry = (b: Bundle, file: string): Bundle => withExec(b, 'win32.reg-firewall', 'reg', FIREWALL_LOCAL_ARGS, { stdout: fixture(`firewall/win32/${file}`) });
const withDefenderRegistry = (b: Bundle, file: string): Bundle =>
  withExec(b, 'win32.reg-defender-rtp', 'reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time Protection'], { stdout: fixture(`edr/windows/${file}`) });

/** SYNTHETIC German Windows with registry answers (see the module comment). */
export const winGerman = [
  (b: Bundle) => withNetsh(b, fixture('firewall/win32/netsh-advfirewall-state__de-DE-localised.txt')),
  (b: Bundle) => withFirewallRegistry(b, 'reg-query-enablefirewall__synthetic-de-DE-trailer-all-on.txt'),
  (b: Bundle) => withExec(b, 'win32.reg-firewall-policy', 'reg', ['query', 'HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall', '/s', '/v', 'EnableFirewall'], { stdout: '', exitCode: 1, stderr: REG_NOT_FOUND_DE }),
  (b: Bundle) => withDefenderRegistry(b, 'synthetic-reg-query-defender-rtp__value-absent.txt'),
  (b: Bundle) => withExec(b, 'win32.reg-defender-rtp-policy', 'reg', ['query', 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection'], { stdout: '', exitCode: 1, stderr: REG_NOT_FOUND_DE }),
].reduce((b, edit) => edit(b), winLaptop);
export const winGermanFirewallPublicOff = withFirewallRegistry(winGerman, 'reg-query-enablefirewall__synthetic-public-off.txt');
export const winGermanDefenderRtpOff = withDefenderRegistry(winGerman, 'synthetic-reg-query-defender-rtp__disabled-1.txt');

/** The commands a runner was asked to start (by probe key), to prove what the machine ran. */
export function recording(inner: ProbeRunner): { runner: ProbeRunner; execs: { key: string; command: string }[] } {
  const execs: { key: string; command: string }[] = [];
  return {
    execs,
    runner: {
      exec: (probe, command, args, o) => {
        execs.push({ key: o?.instance ? `${probe}#${o.instance}` : probe, command });
        return inner.exec(probe, command, args, o);
      },
      readFile: (probe, path, o) => inner.readFile(probe, path, o),
      listDir: (probe, path, o) => inner.listDir(probe, path, o),
    },
  };
}

/** The watcher's cheap reading of a Windows bundle (no PowerShell, no wmic), with the commands it started. */
export async function readCheapRun(bundle: Bundle): Promise<{ report: PostureReport; execs: { key: string; command: string }[] }> {
  const rec = recording(createReplayProbeRunner(bundle));
  const report = await collectWatchedWith(rec.runner, { platform: bundle.platform, mode: 'replay', now: () => new Date(bundle.collectedAt) });
  return { report, execs: rec.execs };
}

/** The watcher's cheap reading of a Windows bundle. */
export async function readCheap(bundle: Bundle): Promise<PostureReport> {
  return (await readCheapRun(bundle)).report;
}

/** The full reading of the watched checks (what an attestation's report holds for them). */
export function readFull(bundle: Bundle): Promise<PostureReport> {
  return collectReplay(bundle, { checks: WATCHED_CHECK_DEFINITIONS });
}
