/** Pure reasoning about installed versus running Linux kernels (no I/O). */

/** `6.1.0-18-amd64` → `#.#.#-#-amd#`: kernels of one flavour share a shape. */
function shape(release: string): string {
  return release.replace(/\d+/g, '#');
}

/** Compares kernel releases of the same shape number by number; 0 when equal. */
export function compareKernelReleases(a: string, b: string): number {
  const na = a.match(/\d+/g) ?? [];
  const nb = b.match(/\d+/g) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = Number(na[i] ?? 0) - Number(nb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export type KernelRebootReading = { pending: true; why: string } | { pending: false } | { pending: undefined; why: string };

/**
 * Whether the running kernel is older than an installed one, from the names under
 * `/lib/modules`. The running kernel's directory missing (replaced in place, as on Arch)
 * or a newer kernel of the same flavour installed means a reboot is pending. An empty
 * listing cannot tell (containers have none).
 */
export function kernelRebootReading(running: string, moduleDirs: readonly string[]): KernelRebootReading {
  const kernels = moduleDirs.filter((d) => /^\d+\.\d+/.test(d));
  if (kernels.length === 0) return { pending: undefined, why: 'no kernels under /lib/modules to compare with' };
  if (!kernels.includes(running)) return { pending: true, why: `the running kernel ${running} is no longer installed` };
  const newer = kernels.filter((k) => shape(k) === shape(running) && compareKernelReleases(k, running) > 0);
  if (newer.length > 0) return { pending: true, why: `kernel ${newer.sort(compareKernelReleases).pop() ?? ''} is installed but ${running} is running` };
  return { pending: false };
}
