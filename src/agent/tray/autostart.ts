/**
 * Start at login. macOS and Windows use `app.setLoginItemSettings`; Linux desktops follow
 * the XDG Autostart spec: a `.desktop` file in `$XDG_CONFIG_HOME/autostart`. Pure: the
 * shell writes or removes the file this module describes.
 */
import { join } from 'node:path';

export const AUTOSTART_FILE_NAME = 'ai-factory-posture.desktop';

/** `$XDG_CONFIG_HOME/autostart/ai-factory-posture.desktop` (default `~/.config/autostart/…`). */
export function autostartPath(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir, '.config');
  return join(xdg, 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * The autostart entry for an executable. An AppImage must be started through `$APPIMAGE`
 * (the mounted path changes every run), which the caller passes as `execPath`.
 * @throws Error when the path holds characters the Exec key would need to escape.
 */
export function autostartDesktopEntry(execPath: string): string {
  if (!/^\/[A-Za-z0-9._/+-]+$/.test(execPath)) throw new Error(`refusing to write an autostart entry for an unusual path: ${execPath}`);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=AI Factory Posture',
    'Comment=Keeps this device\'s access to AI-factory resources up to date',
    `Exec=${execPath} --hidden`,
    'Icon=ai-factory-posture',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=true',
    '',
  ].join('\n');
}
