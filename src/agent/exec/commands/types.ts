import type { Platform } from '../../../shared/check-ids.js';

/**
 * Where an allowed executable lives on each OS: absolute paths tried in order.
 * On Windows a path may start with `%SystemRoot%`, resolved from the environment
 * only when it is an absolute drive path (default `C:\Windows`).
 */
export type CommandSpec = { readonly [P in Platform]?: readonly string[] };
