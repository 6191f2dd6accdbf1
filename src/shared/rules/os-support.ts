/**
 * When vendors stop shipping security fixes for an OS version: a small, dated table.
 *
 * Pure data plus a lookup. Dates are the end of the vendor's *free, public* security
 * updates for that version (paid extensions such as Windows ESU, RHEL ELS, SUSE LTSS and
 * Ubuntu Pro ESM are not counted: the agent cannot see them). Where a vendor names only a
 * month, the last day of that month is used. A version the table does not know, or an
 * open-ended entry past its review date, is "not known", never a guess.
 *
 * Sources (checked when the table was written, see {@link SUPPORT_TABLE_AS_OF}):
 * - Debian: https://www.debian.org/releases/ and https://wiki.debian.org/LTS (Debian LTS
 *   publishes through the regular security archive, so its end date is used).
 * - Ubuntu: https://ubuntu.com/about/release-cycle and https://wiki.ubuntu.com/Releases
 *   (standard security maintenance: LTS 5 years, interim releases 9 months).
 * - RHEL: https://access.redhat.com/support/policy/updates/errata (end of Maintenance Support).
 * - Rocky: https://wiki.rockylinux.org/rocky/version/ ; AlmaLinux: https://wiki.almalinux.org/release-notes/
 * - CentOS: https://www.centos.org/centos-linux-eol/ and https://www.centos.org/cl-vs-cs/
 * - Fedora: https://docs.fedoraproject.org/en-US/releases/eol/ (newer releases carry
 *   `SUPPORT_END` in os-release, which wins over this table).
 * - SUSE: https://www.suse.com/lifecycle/ (general support per service pack);
 *   openSUSE Leap: https://en.opensuse.org/Lifetime
 * - Alpine: https://alpinelinux.org/releases/ (main repository support)
 * - Amazon Linux: https://aws.amazon.com/amazon-linux-2/faqs/ and https://aws.amazon.com/linux/amazon-linux-2023/faqs/
 * - macOS: Apple publishes no end dates; in practice it ships security updates for the
 *   current major and the two before it (https://support.apple.com/en-us/100100 lists
 *   them), so a major's support ends when the third newer major ships.
 * - Windows: https://learn.microsoft.com/en-us/windows/release-health/release-information,
 *   https://learn.microsoft.com/en-us/windows/release-health/windows11-release-information
 *   and https://learn.microsoft.com/en-us/lifecycle/products/ (per edition).
 */
import type { OsInfo } from '../facts/os-patch.js';

/** The date this table was last reviewed against the vendor pages above. */
export const SUPPORT_TABLE_AS_OF = '2025-10-01';

/** The outcome of a support lookup. */
export type SupportLookup =
  | { known: true; supported: boolean; endsOn?: string; basis: string }
  | { known: false; why: string };

/** An entry: a fixed end date, or open-ended until `reviewBy` (after which it is not known). */
type Entry = { endsOn: string } | { reviewBy: string };

const DEBIAN: Readonly<Record<string, string>> = {
  '8': '2020-06-30',
  '9': '2022-06-30',
  '10': '2024-06-30',
  '11': '2026-08-31',
  '12': '2028-06-30',
  '13': '2030-06-30',
};

/** Ubuntu dates that differ from the release-cycle policy (extended by Canonical). */
const UBUNTU_EXCEPTIONS: Readonly<Record<string, string>> = {
  '18.04': '2023-05-31',
  '20.04': '2025-05-31',
};

const RHEL: Readonly<Record<string, string>> = { '6': '2020-11-30', '7': '2024-06-30', '8': '2029-05-31', '9': '2032-05-31', '10': '2035-05-31' };
const ROCKY: Readonly<Record<string, string>> = { '8': '2029-05-31', '9': '2032-05-31', '10': '2035-05-31' };
const ALMA: Readonly<Record<string, string>> = { '8': '2029-03-01', '9': '2032-05-31', '10': '2035-05-31' };
const CENTOS_LINUX: Readonly<Record<string, string>> = { '6': '2020-11-30', '7': '2024-06-30', '8': '2021-12-31' };
const CENTOS_STREAM: Readonly<Record<string, string>> = { '8': '2024-05-31', '9': '2027-05-31' };
const FEDORA: Readonly<Record<string, string>> = {
  '31': '2020-11-24', '32': '2021-05-25', '33': '2021-11-30', '34': '2022-06-07', '35': '2022-12-13',
  '36': '2023-05-16', '37': '2023-12-05', '38': '2024-05-21', '39': '2024-11-26', '40': '2025-05-13',
};
/** SLES general support by `VERSION_ID` (`12.1` = 12 SP1). */
const SLES: Readonly<Record<string, string>> = {
  '12.1': '2017-05-31', '12.2': '2018-03-31', '12.3': '2019-06-30', '12.4': '2020-06-30', '12.5': '2024-10-31',
  '15': '2019-12-31', '15.1': '2021-01-31', '15.2': '2021-12-31', '15.3': '2022-12-31', '15.4': '2023-12-31',
  '15.5': '2024-12-31', '15.6': '2025-12-31', '15.7': '2031-07-31',
};
/** openSUSE Leap; 15.6 uses its originally announced end (conservative). */
const LEAP: Readonly<Record<string, string>> = {
  '15.0': '2019-12-03', '15.1': '2021-01-31', '15.2': '2021-12-31', '15.3': '2022-12-31', '15.4': '2023-12-07',
  '15.5': '2024-12-31', '15.6': '2025-12-31',
};
const ALPINE: Readonly<Record<string, string>> = {
  '3.12': '2022-05-01', '3.13': '2022-11-01', '3.14': '2023-05-01', '3.15': '2023-11-01', '3.16': '2024-05-23',
  '3.17': '2024-11-22', '3.18': '2025-05-09', '3.19': '2025-11-01', '3.20': '2026-04-01', '3.21': '2026-11-01',
  '3.22': '2027-05-01',
};
const AMAZON: Readonly<Record<string, string>> = { '2018.03': '2023-12-31', '2': '2026-06-30', '2023': '2029-06-30' };

/** Distributions that have no versions to support: a rolling release is current only while it is updated. */
const ROLLING = new Set(['arch', 'archarm', 'manjaro', 'endeavouros', 'opensuse-tumbleweed', 'gentoo', 'void', 'kali', 'artix']);

/**
 * macOS majors in release order with their release dates. Support of a major ends when the
 * third newer major ships; for the newest three the end is open, reviewed each September.
 */
const MACOS_MAJORS: readonly { major: string; released: string }[] = [
  { major: '10.13', released: '2017-09-25' },
  { major: '10.14', released: '2018-09-24' },
  { major: '10.15', released: '2019-10-07' },
  { major: '11', released: '2020-11-12' },
  { major: '12', released: '2021-10-25' },
  { major: '13', released: '2022-10-24' },
  { major: '14', released: '2023-09-26' },
  { major: '15', released: '2024-09-16' },
  { major: '26', released: '2025-09-15' },
];

type WindowsClass = 'consumer' | 'enterprise' | 'ltsc' | 'iot-ltsc' | 'server';

/** Windows by build number: the end per edition class (missing class = not offered). */
const WINDOWS: Readonly<Record<string, { label: string; ends: Partial<Record<WindowsClass, string>> }>> = {
  '7601': { label: 'Windows 7 / Server 2008 R2', ends: { consumer: '2020-01-14', enterprise: '2020-01-14', server: '2020-01-14' } },
  '9200': { label: 'Windows 8 / Server 2012', ends: { consumer: '2016-01-12', enterprise: '2016-01-12', server: '2023-10-10' } },
  '9600': { label: 'Windows 8.1 / Server 2012 R2', ends: { consumer: '2023-01-10', enterprise: '2023-01-10', server: '2023-10-10' } },
  '10240': { label: 'Windows 10 1507', ends: { consumer: '2017-05-09', enterprise: '2017-05-09', ltsc: '2025-10-14', 'iot-ltsc': '2025-10-14' } },
  '10586': { label: 'Windows 10 1511', ends: { consumer: '2017-10-10', enterprise: '2018-04-10' } },
  '14393': { label: 'Windows 10 1607 / Server 2016', ends: { consumer: '2018-04-10', enterprise: '2019-04-09', ltsc: '2026-10-13', 'iot-ltsc': '2026-10-13', server: '2027-01-12' } },
  '15063': { label: 'Windows 10 1703', ends: { consumer: '2018-10-09', enterprise: '2019-10-08' } },
  '16299': { label: 'Windows 10 1709', ends: { consumer: '2019-04-09', enterprise: '2020-10-13' } },
  '17134': { label: 'Windows 10 1803', ends: { consumer: '2019-11-12', enterprise: '2021-05-11' } },
  '17763': { label: 'Windows 10 1809 / Server 2019', ends: { consumer: '2020-11-10', enterprise: '2021-05-11', ltsc: '2029-01-09', 'iot-ltsc': '2029-01-09', server: '2029-01-09' } },
  '18362': { label: 'Windows 10 1903', ends: { consumer: '2020-12-08', enterprise: '2020-12-08' } },
  '18363': { label: 'Windows 10 1909', ends: { consumer: '2021-05-11', enterprise: '2022-05-10' } },
  '19041': { label: 'Windows 10 2004', ends: { consumer: '2021-12-14', enterprise: '2021-12-14' } },
  '19042': { label: 'Windows 10 20H2', ends: { consumer: '2022-05-10', enterprise: '2023-05-09' } },
  '19043': { label: 'Windows 10 21H1', ends: { consumer: '2022-12-13', enterprise: '2022-12-13' } },
  '19044': { label: 'Windows 10 21H2', ends: { consumer: '2023-06-13', enterprise: '2024-06-11', ltsc: '2027-01-12', 'iot-ltsc': '2032-01-13' } },
  '19045': { label: 'Windows 10 22H2', ends: { consumer: '2025-10-14', enterprise: '2025-10-14' } },
  '20348': { label: 'Windows Server 2022', ends: { server: '2031-10-14' } },
  '22000': { label: 'Windows 11 21H2', ends: { consumer: '2023-10-10', enterprise: '2024-10-08' } },
  '22621': { label: 'Windows 11 22H2', ends: { consumer: '2024-10-08', enterprise: '2025-10-14' } },
  '22631': { label: 'Windows 11 23H2', ends: { consumer: '2025-11-11', enterprise: '2026-11-10' } },
  '26100': { label: 'Windows 11 24H2 / Server 2025', ends: { consumer: '2026-10-13', enterprise: '2027-10-12', ltsc: '2029-10-09', 'iot-ltsc': '2034-10-10', server: '2034-10-10' } },
  '26200': { label: 'Windows 11 25H2', ends: { consumer: '2027-10-12', enterprise: '2028-10-10' } },
};

/**
 * Whether the vendor still ships security fixes for `os` on `now`.
 * @param supportEnd os-release `SUPPORT_END` (ISO date) when the OS declares its own end; it wins.
 * Never throws; a version the table cannot place gives `{ known: false, why }`.
 */
export function lookupVendorSupport(os: OsInfo, now: Date, supportEnd?: string): SupportLookup {
  if (supportEnd !== undefined) {
    if (isIsoDate(supportEnd)) return judge(supportEnd, now, 'SUPPORT_END in os-release');
    return { known: false, why: `os-release SUPPORT_END "${supportEnd.slice(0, 40)}" is not a date` };
  }
  if (os.platform === 'darwin') return lookupMacos(os, now);
  if (os.platform === 'win32') return lookupWindows(os, now);
  if (os.platform === 'linux') return lookupLinux(os, now);
  return { known: false, why: `no support table for ${os.platform}` };
}

function lookupLinux(os: OsInfo, now: Date): SupportLookup {
  const id = os.id ?? '';
  const name = os.name ?? id;
  if (ROLLING.has(id)) return { known: false, why: `${name} is a rolling release: it has no versions with support dates, only updates` };
  const v = os.version;
  if (!v) return { known: false, why: `${name} reports no VERSION_ID` };
  const major = v.split('.')[0] ?? v;
  const minor = v.split('.').slice(0, 2).join('.');
  const table = (t: Readonly<Record<string, string>>, key: string, label: string): SupportLookup =>
    t[key] ? judge(t[key], now, `${label} ${key}`) : { known: false, why: `the support table (as of ${SUPPORT_TABLE_AS_OF}) does not know ${label} ${key}` };
  switch (id) {
    case 'debian':
      return table(DEBIAN, major, 'Debian');
    case 'ubuntu':
      return lookupUbuntu(minor, now);
    case 'rhel':
      return table(RHEL, major, 'RHEL');
    case 'rocky':
      return table(ROCKY, major, 'Rocky Linux');
    case 'almalinux':
      return table(ALMA, major, 'AlmaLinux');
    case 'centos':
      return /stream/i.test(name) ? table(CENTOS_STREAM, major, 'CentOS Stream') : table(CENTOS_LINUX, major, 'CentOS Linux');
    case 'fedora':
      return table(FEDORA, major, 'Fedora');
    case 'sles':
    case 'sled':
    case 'sles_sap':
      return table(SLES, v.split('.').length > 1 ? minor : major, 'SLES');
    case 'opensuse-leap':
      return table(LEAP, minor, 'openSUSE Leap');
    case 'alpine':
      return table(ALPINE, minor, 'Alpine');
    case 'amzn':
      return table(AMAZON, v === '2018.03' ? v : major, 'Amazon Linux');
    default:
      return { known: false, why: `the support table has no entry for ${name} ${v}` };
  }
}

/** Ubuntu: exceptions, else policy (LTS = even-year .04: 5 years; interim: 9 months). */
function lookupUbuntu(version: string, now: Date): SupportLookup {
  const exception = UBUNTU_EXCEPTIONS[version];
  if (exception) return judge(exception, now, `Ubuntu ${version}`);
  const m = /^(\d{2})\.(04|10)$/.exec(version);
  if (!m) return { known: false, why: `Ubuntu ${version} is not a release number the table understands` };
  const yy = Number(m[1]);
  const lts = m[2] === '04' && yy % 2 === 0;
  const year = 2000 + yy;
  const end = lts ? endOfMonth(year + 5, 4) : m[2] === '04' ? endOfMonth(year + 1, 1) : endOfMonth(year + 1, 7);
  return judge(end, now, `Ubuntu ${version} ${lts ? 'LTS (5-year' : '(9-month'} policy)`);
}

function lookupMacos(os: OsInfo, now: Date): SupportLookup {
  const v = os.version;
  if (!v || !/^\d+(\.\d+)*$/.test(v)) return { known: false, why: 'macOS reported no version' };
  const parts = v.split('.');
  const major = parts[0] === '10' ? `10.${parts[1] ?? ''}` : (parts[0] ?? '');
  const idx = MACOS_MAJORS.findIndex((m) => m.major === major);
  const newest = MACOS_MAJORS[MACOS_MAJORS.length - 1];
  if (idx < 0) {
    if (newest && compareVersions(major, newest.major) > 0) {
      // Newer than every major the table knows: it is the current release.
      return { known: true, supported: true, basis: `macOS ${major} is newer than the support table (as of ${SUPPORT_TABLE_AS_OF})` };
    }
    return { known: false, why: `the support table does not know macOS ${major}` };
  }
  const successor = MACOS_MAJORS[idx + 3];
  if (successor) return judge(successor.released, now, `macOS ${major} (Apple supports the newest three majors)`);
  const released = MACOS_MAJORS[idx]?.released ?? '';
  // Open-ended: new majors ship each September, so the third newer one is due three
  // Septembers after this one; past that the table must be reviewed, not trusted.
  const reviewBy = `${Number(released.slice(0, 4)) + 3}-09-01`;
  return open({ reviewBy }, now, `macOS ${major}`);
}

function lookupWindows(os: OsInfo, now: Date): SupportLookup {
  // `version` is `10.0.26200` (or `6.1.7601`); `build` is `26200.6901`.
  const fromVersion = os.version?.split('.')[2];
  const fromBuild = os.build?.split('.')[0];
  const key = [fromVersion, fromBuild].find((k) => k !== undefined && /^\d{4,5}$/.test(k));
  if (!key) return { known: false, why: 'Windows reported no build number' };
  const entry = WINDOWS[key];
  if (!entry) return { known: false, why: `the support table (as of ${SUPPORT_TABLE_AS_OF}) does not know Windows build ${key}` };
  const cls = windowsClass(os);
  if (!cls) return { known: false, why: `cannot tell the edition of ${os.name ?? 'Windows'} (Home/Pro and Enterprise differ)` };
  const end = entry.ends[cls];
  if (!end) return { known: false, why: `the support table has no ${cls} date for ${entry.label}` };
  return judge(end, now, `${entry.label} (${cls} editions)`);
}

/** The servicing class of a Windows edition, from `EditionID` or the product name. */
export function windowsClass(os: Pick<OsInfo, 'edition' | 'name'>): WindowsClass | undefined {
  const ed = os.edition ?? '';
  const name = os.name ?? '';
  if (/^Server/i.test(ed) || /\bServer\b/i.test(name)) return 'server';
  if (/^IoTEnterpriseS/i.test(ed) || /IoT Enterprise LTSC/i.test(name)) return 'iot-ltsc';
  if (/^EnterpriseS/i.test(ed) || /\bLTS[CB]\b/i.test(name)) return 'ltsc';
  if (/^(Enterprise|Education|IoTEnterprise)/i.test(ed)) return 'enterprise';
  if (/^(Core|Professional|ProfessionalEducation|ProfessionalWorkstation|Cloud)/i.test(ed)) return 'consumer';
  if (!ed) {
    if (/\b(Enterprise|Education)\b/i.test(name) && !/Pro Education/i.test(name)) return 'enterprise';
    if (/\b(Home|Pro)\b/i.test(name)) return 'consumer';
  }
  return undefined;
}

function judge(endsOn: string, now: Date, basis: string): SupportLookup {
  return { known: true, supported: now.getTime() < Date.parse(`${endsOn}T23:59:59Z`), endsOn, basis };
}

function open(entry: Entry, now: Date, basis: string): SupportLookup {
  if ('endsOn' in entry) return judge(entry.endsOn, now, basis);
  if (now.getTime() < Date.parse(`${entry.reviewBy}T00:00:00Z`)) return { known: true, supported: true, basis: `${basis}: no end announced` };
  return { known: false, why: `the support table (as of ${SUPPORT_TABLE_AS_OF}) cannot say whether ${basis} is still supported after ${entry.reviewBy}` };
}

function endOfMonth(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

/** Compares dotted numeric versions (`10.15` < `11` < `26`). */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
