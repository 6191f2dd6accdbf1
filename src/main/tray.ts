/** Applies the tray presenter's decisions to an Electron `Tray`: icon, tooltip, menu. */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { MenuAction, MenuItemSpec, TrayIconSpec } from '../agent/tray/tray-presenter.js';

export class PostureTray {
  readonly #tray: Tray;
  #lastIcon = '';

  constructor(private readonly resourcesDir: string, icon: TrayIconSpec, private readonly onAction: (action: MenuAction) => void) {
    this.#tray = new Tray(this.#image(icon));
    this.#lastIcon = icon.file;
    this.#tray.setToolTip(icon.tooltip);
  }

  update(icon: TrayIconSpec, menu: MenuItemSpec[]): void {
    if (icon.file !== this.#lastIcon) {
      this.#tray.setImage(this.#image(icon));
      this.#lastIcon = icon.file;
    }
    this.#tray.setToolTip(icon.tooltip);
    this.#tray.setContextMenu(Menu.buildFromTemplate(menu.map((m) => this.#item(m))));
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #image(icon: TrayIconSpec): Electron.NativeImage {
    const image = nativeImage.createFromPath(join(this.resourcesDir, icon.file));
    image.setTemplateImage(icon.template);
    return image;
  }

  #item(m: MenuItemSpec): MenuItemConstructorOptions {
    if (m.kind === 'separator') return { type: 'separator' };
    if (m.kind === 'label') return { label: m.label, enabled: false };
    return { label: m.label, enabled: m.enabled, click: () => this.onAction(m.action) };
  }
}
