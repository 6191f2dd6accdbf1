/**
 * macOS screen-lock collector. The lock itself is `sysadminctl -screenLock status`
 * (password required immediately / after N seconds / off). The idle time is the earlier
 * of the screen saver's start (`defaults -currentHost read com.apple.screensaver
 * idleTime`) and display sleep (`pmset -g`), since either one triggers the lock.
 */
import type { Gap } from '../../../shared/check-ids.js';
import type { ScreenLockFacts } from '../../../shared/facts/screen-lock.js';
import { probeGap, stderrText, stdoutText } from '../../probes/text.js';
import type { CollectContext, Observation } from '../types.js';
import { parseDefaultsInteger, parsePmsetDisplaySleep, parseSysadminctlScreenLock } from './parse-macos.js';

/** Collects screen-lock facts on macOS. */
export async function collectDarwinScreenLock(ctx: CollectContext): Promise<Observation<ScreenLockFacts>> {
  const [lock, saver, pmset] = await Promise.all([
    ctx.probes.exec('darwin.sysadminctl-screenlock', 'sysadminctl', ['-screenLock', 'status']),
    ctx.probes.exec('darwin.defaults-screensaver-idletime', 'defaults', ['-currentHost', 'read', 'com.apple.screensaver', 'idleTime']),
    ctx.probes.exec('darwin.pmset', 'pmset', ['-g']),
  ]);
  const facts: ScreenLockFacts = { desktop: true, environment: 'macos' };
  const gaps: Gap[] = [];

  // sysadminctl answers on stderr; stdout is normally empty.
  const lockGap = probeGap(lock, 'enabled', { allowEmpty: true });
  const parsedLock = lockGap ? undefined : parseSysadminctlScreenLock(`${stderrText(lock)}\n${stdoutText(lock)}`);
  if (parsedLock?.ok) {
    facts.enabled = parsedLock.enabled;
    if (parsedLock.delaySeconds !== undefined) facts.lockDelaySeconds = parsedLock.delaySeconds;
  } else {
    gaps.push(lockGap ?? { fact: 'enabled', reason: 'parse-error', probe: lock.key, detail: parsedLock && !parsedLock.ok ? parsedLock.error : 'unrecognised' });
  }

  // A missing idleTime key is exit 1 with "does not exist": the user never set one.
  let saverSeconds: number | undefined;
  let saverKnown = false;
  if (!saver.error && saver.exitCode !== 0 && /does not exist/i.test(stderrText(saver))) {
    saverKnown = false;
  } else {
    const g = probeGap(saver, 'idleTimeoutSeconds');
    const parsed = g ? undefined : parseDefaultsInteger(stdoutText(saver));
    if (parsed?.ok) {
      saverSeconds = parsed.value;
      saverKnown = true;
    } else {
      gaps.push(g ?? { fact: 'idleTimeoutSeconds', reason: 'parse-error', probe: saver.key, detail: parsed && !parsed.ok ? parsed.error : 'unrecognised' });
    }
  }

  let displaySeconds: number | undefined;
  const pmGap = probeGap(pmset, 'idleTimeoutSeconds');
  const pm = pmGap ? undefined : parsePmsetDisplaySleep(stdoutText(pmset));
  if (pm?.ok) displaySeconds = pm.displaySleepMinutes * 60;
  else gaps.push(pmGap ?? { fact: 'idleTimeoutSeconds', reason: 'parse-error', probe: pmset.key, detail: pm && !pm.ok ? pm.error : 'unrecognised' });

  const idle = earliestTrigger(saverKnown ? saverSeconds : undefined, saverKnown, displaySeconds);
  if (idle !== undefined) {
    facts.idleTimeoutSeconds = idle;
    // The reading is complete: drop gaps of the source that turned out not to matter.
    for (let i = gaps.length - 1; i >= 0; i--) if (gaps[i]?.fact === 'idleTimeoutSeconds') gaps.splice(i, 1);
  } else if (!gaps.some((g) => g.fact === 'idleTimeoutSeconds')) {
    gaps.push({ fact: 'idleTimeoutSeconds', reason: 'not-collected', probe: saver.key, detail: 'no screen saver delay is set (the macOS default applies, which is not assumed) and the display never sleeps' });
  }
  return { facts, gaps };
}

/**
 * The idle seconds after which the screen saver or display sleep starts (0 = never).
 * An unset screen saver delay leaves macOS's default in force, which is not guessed:
 * display sleep is then an upper bound, good enough unless it is 0 (never).
 */
function earliestTrigger(saver: number | undefined, saverKnown: boolean, display: number | undefined): number | undefined {
  const positive = [saver, display].filter((v): v is number => v !== undefined && v > 0);
  if (saverKnown && display !== undefined) return positive.length > 0 ? Math.min(...positive) : 0;
  if (display !== undefined && display > 0) return display;
  if (saverKnown && saver !== undefined && saver > 0) return saver;
  return undefined;
}
