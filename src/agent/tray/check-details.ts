/** How the status window describes one check: key facts, the policy requirement and remediation steps. */
import type { CheckId } from '../../shared/check-ids.js';
import type { CheckResult } from '../../shared/check-result.js';
import type { FactLine } from '../../shared/ipc.js';
import type { Requirements } from '../../shared/requirements.js';

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
  os_patch: 'OS updates',
  disk_encryption: 'Disk encryption',
  edr: 'Endpoint protection (EDR)',
  mfa: 'Multi-factor sign-in',
  firewall: 'Firewall',
  screen_lock: 'Screen lock',
  mdm: 'Device management (MDM)',
};

const MAX_FACTS = 6;

/** Up to six facts a person cares about, in words. Unknown shapes yield no lines rather than guesses. */
export function keyFacts(result: CheckResult): FactLine[] {
  const f = result.facts;
  const out: FactLine[] = [];
  const add = (label: string, v: unknown, fmt: (x: never) => string = String): void => {
    if (v === undefined || v === null || out.length >= MAX_FACTS) return;
    out.push({ label, value: fmt(v as never) });
  };
  switch (result.id) {
    case 'os_patch': {
      const os = f.os as { prettyName?: string; name?: string; version?: string } | undefined;
      add('Operating system', os?.prettyName ?? (os?.name ? `${os.name} ${os.version ?? ''}`.trim() : undefined));
      add('Last update installed', f.lastUpdateInstalledAt, day);
      add('Pending updates', f.pendingUpdates);
      add('Pending security updates', f.pendingSecurityUpdates);
      add('Restart required', f.rebootRequired, yesNo);
      add('Still supported by vendor', f.vendorSupported, yesNo);
      break;
    }
    case 'disk_encryption': {
      const volumes = Array.isArray(f.volumes) ? (f.volumes as { mount?: string; device?: string; system?: boolean; state?: string; method?: string; encrypted?: boolean; percentEncrypted?: number }[]) : [];
      add('System disk encrypted', f.systemVolumeEncrypted, yesNo);
      for (const v of volumes.filter((x) => x.system)) {
        const state = v.state === 'encrypting' && v.percentEncrypted !== undefined ? `encrypting (${v.percentEncrypted} %)` : (v.state ?? (v.encrypted ? 'on' : 'off'));
        add(`Volume ${v.mount ?? v.device ?? '?'}`, [state, v.method].filter(Boolean).join(', '));
      }
      break;
    }
    case 'edr': {
      const products = Array.isArray(f.products) ? (f.products as { name?: string; id?: string; running?: boolean; healthy?: boolean; version?: string }[]) : [];
      if (products.length === 0) add('Products found', 'none');
      for (const p of products) {
        const bits = [p.running === undefined ? undefined : p.running ? 'running' : 'not running', p.healthy === undefined ? undefined : p.healthy ? 'healthy' : 'unhealthy', p.version ? `v${p.version}` : undefined];
        add(p.name ?? p.id ?? 'Product', bits.filter(Boolean).join(', ') || 'installed');
      }
      break;
    }
    case 'mfa':
      add('Identity provider', f.issuer);
      add('Signed in as', f.username ?? f.subject);
      add('Methods', Array.isArray(f.amr) ? (f.amr as string[]).join(', ') : undefined);
      add('Signed in at', f.authTime, dateTime);
      break;
    case 'firewall': {
      add('Enabled', f.enabled, yesNo);
      const profiles = Array.isArray(f.profiles) ? (f.profiles as { name: string; enabled: boolean; stealthMode?: boolean }[]) : [];
      for (const p of profiles) add(`Profile ${p.name}`, `${p.enabled ? 'on' : 'off'}${p.stealthMode ? ', stealth mode' : ''}`);
      add('Apps allowed incoming', f.appsAllowedIncoming);
      break;
    }
    case 'screen_lock':
      add('Locks automatically', f.enabled, yesNo);
      add('Idle time before screen saver', f.idleTimeoutSeconds, duration);
      add('Password required after', f.lockDelaySeconds, (s: number) => (s === 0 ? 'immediately' : duration(s)));
      add('Desktop', f.environment);
      break;
    case 'mdm':
      add('Enrolled', f.enrolled, yesNo);
      add('Provider', f.provider);
      add('Server', f.serverUrl);
      add('Azure AD joined', f.azureAdJoined, yesNo);
      break;
  }
  return out;
}

/** The policy's requirement for a check in one sentence; null when it sets none. */
export function requirementText(id: CheckId, requirements: Requirements | undefined): string | null {
  const r = requirements?.[id];
  if (!r) return null;
  switch (id) {
    case 'os_patch': {
      const o = requirements.os_patch ?? {};
      const parts = [
        o.max_patch_age_days !== undefined ? `updates installed within the last ${o.max_patch_age_days} days` : undefined,
        o.max_pending_security_updates !== undefined ? (o.max_pending_security_updates === 0 ? 'no pending security updates' : `at most ${o.max_pending_security_updates} pending security updates`) : undefined,
        o.require_vendor_supported ? 'an OS version the vendor still supports' : undefined,
        o.fail_on_reboot_required ? 'no pending restart' : undefined,
      ].filter(Boolean);
      return parts.length ? `Requires ${parts.join(', ')}.` : 'No OS update requirement.';
    }
    case 'disk_encryption':
      return requirements.disk_encryption?.required ? 'Requires the system disk to be fully encrypted.' : 'Disk encryption is not required.';
    case 'edr': {
      const e = requirements.edr;
      if (!e?.required) return 'Endpoint protection is not required.';
      const which = e.allowed_products?.length ? `one of ${e.allowed_products.join(', ')}` : 'a known EDR product';
      return `Requires ${which}, running${e.require_healthy === false ? '' : ' and healthy'}${e.require_real_time_protection ? ' with real-time protection' : ''}.`;
    }
    case 'mfa': {
      const m = requirements.mfa;
      if (!m?.required) return 'MFA is not required.';
      const age = m.max_auth_age_seconds !== undefined ? ` within the last ${duration(m.max_auth_age_seconds)}` : '';
      return `Requires a multi-factor sign-in${m.amr_any?.length ? ` (${m.amr_any.join(', ')})` : ''}${age}.`;
    }
    case 'firewall':
      return requirements.firewall?.required ? 'Requires the firewall to be on.' : 'The firewall is not required.';
    case 'screen_lock': {
      const s = requirements.screen_lock;
      if (!s?.required) return 'Screen lock is not required.';
      return s.max_idle_seconds !== undefined ? `Requires the screen to lock after at most ${duration(s.max_idle_seconds)} idle.` : 'Requires an automatic screen lock.';
    }
    case 'mdm': {
      const m = requirements.mdm;
      if (!m?.required) return 'MDM enrolment is not required.';
      return `Requires enrolment in ${m.providers?.length ? m.providers.join(' or ') : 'device management'}.`;
    }
  }
}

/** Splits a remediation paragraph into steps ("1. …", lines, or sentences). */
export function remediationSteps(text: string | undefined): string[] {
  if (!text) return [];
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^\s*(?:\d+[.)]|[-*•])\s*/, '').trim()).filter(Boolean);
  if (lines.length > 1) return lines;
  return (text.match(/[^.!?]+(?:[.!?]+(?=\s|$)|$)/g) ?? [text]).map((s) => s.trim()).filter(Boolean);
}

/** "15 min", "2 h", "45 s", "12 h 30 min". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });

/** "1 Dec 2026" (UTC); the input unchanged when it is not a date. */
export function day(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : DAY.format(t);
}

function dateTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : DATE_TIME.format(t);
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}
