/**
 * The machine id, hashed with an app-specific salt so that the raw OS id (which other
 * software also reads) never leaves the machine. A fact for inventory, never a secret:
 * anyone on the machine can read the raw id.
 */
import { createHmac } from 'node:crypto';
import nodeMachineId from 'node-machine-id';

const SALT = 'ai-factory-posture/machine-id/v1';

/** HMAC-SHA256(salt, raw id), base64url. Pure, so tests can pin a value. */
export function hashMachineId(rawId: string): string {
  return createHmac('sha256', SALT).update(rawId.trim().toLowerCase()).digest('base64url');
}

/**
 * Reads the OS machine id (`/etc/machine-id`, IOPlatformUUID, MachineGuid) with
 * node-machine-id and returns its salted hash, or undefined when it cannot be read.
 */
export async function readHashedMachineId(): Promise<string | undefined> {
  try {
    const raw = await nodeMachineId.machineId(true);
    return raw ? hashMachineId(raw) : undefined;
  } catch {
    return undefined;
  }
}
