/**
 * Linux screen-lock collector. First decides whether there is a graphical session at all
 * (see `linux-desktop.ts`), then reads the desktop's own settings for the user the agent
 * runs as: GNOME through `gsettings`, KDE Plasma from `~/.config/kscreenlockerrc`. Other
 * desktops (Xfce, Cinnamon, MATE, …) are reported as not read, never guessed.
 */
import { homedir } from 'node:os';
import type { Gap } from '../../../shared/check-ids.js';
import type { ScreenLockFacts } from '../../../shared/facts/screen-lock.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { ProbeOutput } from '../../probes/types.js';
import type { CollectContext, Observation } from '../types.js';
import { judgeDesktop, type DesktopEvidence } from './linux-desktop.js';
import { parseGsettingsValue } from './parse-gsettings.js';
import { parseKScreenLockerRc } from './parse-kscreenlockerrc.js';
import { parseLogindSession } from './parse-logind-session.js';

const MAX_INSTANCES = 16;

/** Entry names of a directory probe; absent directory = no entries; other errors = undefined. */
function entries(out: ProbeOutput): string[] | undefined {
  if (out.error === 'not-found') return [];
  if (out.error) return undefined;
  return stdoutText(out).split('\n').filter((n) => n !== '');
}

async function gatherEvidence(ctx: CollectContext): Promise<DesktopEvidence> {
  const p = ctx.probes;
  const [xs, ws, x11, sessions, runUser] = await Promise.all([
    p.listDir('linux.xsessions', '/usr/share/xsessions'),
    p.listDir('linux.wayland-sessions', '/usr/share/wayland-sessions'),
    p.listDir('linux.x11-sockets', '/tmp/.X11-unix'),
    p.listDir('linux.logind-sessions', '/run/systemd/sessions'),
    p.listDir('linux.run-user', '/run/user'),
  ]);
  const unreadable = [xs, ws, x11, sessions].filter((o) => entries(o) === undefined).map((o) => o.key);

  const ids = (entries(sessions) ?? []).filter((n) => /^[A-Za-z0-9_-]{1,32}$/.test(n)).slice(0, MAX_INSTANCES);
  const uids = (entries(runUser) ?? []).filter((n) => /^\d{1,10}$/.test(n)).slice(0, MAX_INSTANCES);
  const [sessionFiles, userDirs] = await Promise.all([
    Promise.all(ids.map((id) => p.readFile('linux.logind-session', `/run/systemd/sessions/${id}`, { instance: id }))),
    // Other users' runtime dirs are 0700: unreadable ones are skipped, since a compositor
    // there also leaves an X socket, a logind session or an installed session type.
    Promise.all(uids.map((uid) => p.listDir('linux.run-user-dir', `/run/user/${uid}`, { instance: uid }))),
  ]);
  const graphicalSessionDesktops = sessionFiles.flatMap((out) => {
    if (out.error) return [];
    const s = parseLogindSession(stdoutText(out));
    return s.ok && (s.type === 'x11' || s.type === 'wayland' || s.type === 'mir') ? [s.desktop ?? ''] : [];
  });
  return {
    sessionFiles: [...(entries(xs) ?? []), ...(entries(ws) ?? [])].filter((n) => n.endsWith('.desktop')),
    x11Sockets: (entries(x11) ?? []).filter((n) => /^X\d+$/.test(n)),
    waylandSockets: userDirs.flatMap((d) => (entries(d) ?? []).filter((n) => /^wayland-\d+$/.test(n))),
    graphicalSessionDesktops,
    unreadable,
  };
}

/** Reads one gsettings key; a gap when it cannot be read or only defaults were seen. */
async function gsetting(ctx: CollectContext, probe: string, schema: string, key: string, fact: string): Promise<{ value?: boolean | number; gap?: Gap }> {
  const out = await ctx.probes.exec(probe, 'gsettings', ['get', schema, key], { timeoutMs: 3000 });
  const gap = probeGap(out, fact);
  if (gap) return { gap };
  if (/memory.{0,4}GSettings backend/i.test(stderrText(out))) {
    // Without dconf gsettings answers schema defaults, not the user's settings.
    return { gap: { fact, reason: 'probe-failed', probe: out.key, detail: 'gsettings used its memory backend (no dconf): values would be defaults, not the user settings' } };
  }
  const parsed = parseGsettingsValue(stdoutText(out));
  if (!parsed.ok) return { gap: { fact, reason: 'parse-error', probe: out.key, detail: parsed.error } };
  return { value: parsed.value };
}

async function readGnome(ctx: CollectContext, facts: ScreenLockFacts, gaps: Gap[]): Promise<void> {
  const [lock, idle, delay, lockdown] = await Promise.all([
    gsetting(ctx, 'linux.gsettings-lock-enabled', 'org.gnome.desktop.screensaver', 'lock-enabled', 'enabled'),
    gsetting(ctx, 'linux.gsettings-idle-delay', 'org.gnome.desktop.session', 'idle-delay', 'idleTimeoutSeconds'),
    gsetting(ctx, 'linux.gsettings-lock-delay', 'org.gnome.desktop.screensaver', 'lock-delay', 'lockDelaySeconds'),
    gsetting(ctx, 'linux.gsettings-disable-lock-screen', 'org.gnome.desktop.lockdown', 'disable-lock-screen', 'enabled'),
  ]);
  if (lock.value === false || lockdown.value === true) facts.enabled = false;
  else if (lock.value === true && lockdown.value === false) facts.enabled = true;
  else gaps.push(...[lock.gap, lockdown.gap].filter((g): g is Gap => !!g));
  if (typeof idle.value === 'number') facts.idleTimeoutSeconds = idle.value;
  else if (idle.gap) gaps.push(idle.gap);
  if (typeof delay.value === 'number') facts.lockDelaySeconds = delay.value;
  else if (delay.gap) gaps.push(delay.gap);
}

async function readKde(ctx: CollectContext, facts: ScreenLockFacts, gaps: Gap[]): Promise<void> {
  const out = await ctx.probes.readFile('linux.kscreenlockerrc', `${homedir()}/.config/kscreenlockerrc`);
  // KDE writes the file only once a setting is changed: absent means KDE's defaults.
  const gap = out.error === 'not-found' ? undefined : probeGap(out, 'enabled', { allowEmpty: true });
  if (gap) {
    gaps.push(gap);
    return;
  }
  const parsed = parseKScreenLockerRc(out.error === 'not-found' ? '' : stdoutText(out));
  if (!parsed.ok) {
    gaps.push({ fact: 'enabled', reason: 'parse-error', probe: out.key, detail: parsed.error });
    return;
  }
  facts.enabled = parsed.autolock;
  facts.idleTimeoutSeconds = parsed.timeoutMinutes * 60;
  facts.lockDelaySeconds = parsed.lockGraceSeconds;
}

/** Collects screen-lock facts on Linux. */
export async function collectLinuxScreenLock(ctx: CollectContext): Promise<Observation<ScreenLockFacts>> {
  const verdict = judgeDesktop(await gatherEvidence(ctx));
  if (verdict.desktop === undefined) {
    return { facts: {}, gaps: [{ fact: 'desktop', reason: 'probe-failed', detail: verdict.why.slice(0, 500) }] };
  }
  if (verdict.desktop === false) return { facts: { desktop: false }, gaps: [] };

  const facts: ScreenLockFacts = { desktop: true };
  const gaps: Gap[] = [];
  if (verdict.environment) facts.environment = verdict.environment;
  if (verdict.environment === 'gnome') await readGnome(ctx, facts, gaps);
  else if (verdict.environment === 'kde') await readKde(ctx, facts, gaps);
  else {
    const detail = verdict.environment
      ? `the ${verdict.environment} desktop's screen lock settings are not read by this agent (GNOME and KDE are)`
      : verdict.ambiguous
        ? `several desktops are installed (${verdict.ambiguous.join(', ')}) and no logged-in session says which one is used`
        : 'a graphical session exists but its desktop could not be identified';
    gaps.push({ fact: 'enabled', reason: 'not-collected', detail: detail.slice(0, 500) });
  }
  return { facts, gaps };
}
