/**
 * Pure judgement of whether a Linux machine has a graphical session, from the evidence
 * the collector gathers with file and directory probes (so replayed bundles work too).
 */

export interface DesktopEvidence {
  /** Names in /usr/share/xsessions and /usr/share/wayland-sessions (`gnome.desktop`, …). */
  sessionFiles: string[];
  /** X server sockets in /tmp/.X11-unix (`X0`, …). */
  x11Sockets: string[];
  /** Wayland compositor sockets found in /run/user/<uid> (`wayland-0`, …). */
  waylandSockets: string[];
  /** `DESKTOP` of logind sessions whose TYPE is x11/wayland/mir (empty string when unset). */
  graphicalSessionDesktops: string[];
  /** Probes whose failure (other than "absent") leaves the evidence incomplete. */
  unreadable: string[];
}

export type DesktopVerdict =
  | { desktop: false }
  | { desktop: true; environment?: string; ambiguous?: string[] }
  | { desktop: undefined; why: string };

/** `GNOME`, `ubuntu:GNOME`, `gnome-xorg.desktop` → `gnome`; KDE/Plasma → `kde`; else the bare name. */
export function normaliseDesktop(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.desktop$/, '');
  if (n === '') return undefined;
  if (/gnome|ubuntu|unity|pop/.test(n)) return 'gnome';
  if (/kde|plasma/.test(n)) return 'kde';
  const first = n.split(/[:;]/)[0] ?? n;
  return first.replace(/[^a-z0-9_-]/g, '').slice(0, 64) || undefined;
}

/**
 * Headless is claimed only on positive evidence: no desktop session type is installed,
 * no X or Wayland socket exists and logind knows no graphical session. `systemctl
 * get-default` is not used: Debian links default.target to graphical.target even on
 * machines without any desktop.
 */
export function judgeDesktop(e: DesktopEvidence): DesktopVerdict {
  const running = e.graphicalSessionDesktops.length > 0 || e.x11Sockets.length > 0 || e.waylandSockets.length > 0;
  if (!running && e.sessionFiles.length === 0) {
    if (e.unreadable.length > 0) return { desktop: undefined, why: `could not read ${e.unreadable.join(', ')}` };
    return { desktop: false };
  }
  const fromSessions = unique(e.graphicalSessionDesktops.map(normaliseDesktop));
  if (fromSessions.length === 1) return { desktop: true, environment: fromSessions[0] as string };
  const candidates = fromSessions.length > 1 ? fromSessions : unique(e.sessionFiles.map(normaliseDesktop));
  if (candidates.length === 1) return { desktop: true, environment: candidates[0] as string };
  return candidates.length > 1 ? { desktop: true, ambiguous: candidates } : { desktop: true };
}

function unique(xs: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(xs.filter((x): x is string => !!x))].sort();
}
