/** The one place the agent asks which OS it runs on. */
import { PLATFORMS, type Platform } from '../shared/check-ids.js';

/** This process's platform, or undefined on an OS the agent does not support. */
export function currentPlatform(nodePlatform: string = process.platform): Platform | undefined {
  return (PLATFORMS as readonly string[]).includes(nodePlatform) ? (nodePlatform as Platform) : undefined;
}
