/** Parser for Windows `manage-bde -status` in English and German. Pure: no I/O. */
import type { EncryptionState } from '../../../shared/facts/disk-encryption.js';
import type { BitLockerVolumeReading } from './bitlocker-codes.js';
import { asciiKey, isBinary, lines, parsePercent, unrecognised, type Unrecognised } from './parse-util.js';

/** The `error` of a result whose tool said the caller lacks administrator rights. */
export const ACCESS_DENIED = 'access denied';

export type ParsedBitLockerVolumes = { ok: true; volumes: BitLockerVolumeReading[] } | Unrecognised;

// Labels and values are compared by `asciiKey` (lower-case ASCII letters and digits only), so
// `Verschlüsselt (Prozent)` is `verschlsseltprozent` however its umlaut was decoded.
const LABELS: Readonly<Record<string, 'conversion' | 'percent' | 'method' | 'protection' | 'lock' | 'protectors' | 'other'>> = {
  conversionstatus: 'conversion',
  konvertierungsstatus: 'conversion',
  percentageencrypted: 'percent',
  verschlsseltprozent: 'percent',
  encryptionmethod: 'method',
  verschlsselungsmethode: 'method',
  protectionstatus: 'protection',
  schutzstatus: 'protection',
  lockstatus: 'lock',
  sperrungsstatus: 'lock',
  keyprotectors: 'protectors',
  schlsselschutzvorrichtungen: 'protectors',
  size: 'other',
  gre: 'other',
  bitlockerversion: 'other',
  identificationfield: 'other',
  idfeld: 'other',
  automaticunlock: 'other',
  automatischeentsperrung: 'other',
};

const CONVERSION: Readonly<Record<string, EncryptionState>> = {
  fullydecrypted: 'off',
  vollstndigentschlsselt: 'off',
  fullyencrypted: 'on',
  usedspaceonlyencrypted: 'on',
  vollstndigverschlsselt: 'on',
  encryptioninprogress: 'encrypting',
  verschlsselungwirddurchgefhrt: 'encrypting',
  decryptioninprogress: 'decrypting',
  entschlsselungwirddurchgefhrt: 'decrypting',
  encryptionpaused: 'paused',
  decryptionpaused: 'paused',
};

const VOLUME_KIND: Readonly<Record<string, 'os' | 'data' | 'removable'>> = {
  osvolume: 'os',
  betriebssystemvolume: 'os',
  datavolume: 'data',
  datenvolume: 'data',
  removabledatavolume: 'removable',
};

const PROTECTORS: Readonly<Record<string, string>> = {
  tpm: 'Tpm',
  numericalpassword: 'RecoveryPassword',
  numerischeskennwort: 'RecoveryPassword',
  password: 'Password',
  kennwort: 'Password',
  externalkey: 'ExternalKey',
  tpmandpin: 'TpmPin',
  tpmandstartupkey: 'TpmStartupKey',
  tpmandpinandstartupkey: 'TpmPinStartupKey',
};

const NONE = new Set(['none', 'kein', 'keine', 'nonefound', 'keinegefunden']);

/**
 * Parses `manage-bde -status` (all volumes or one):
 * ```
 * Volume C: [Windows]
 * [OS Volume]
 *
 *     Conversion Status:    Used Space Only Encrypted
 *     Percentage Encrypted: 100,0%
 *     Encryption Method:    AES 256
 *     Protection Status:    Protection On
 *     Lock Status:          Unlocked
 *     Key Protectors:
 *         Numerical Password
 * ```
 * German: `Volume "C:" []`, `[Betriebssystemvolume]`, `Konvertierungsstatus: Vollständig
 * entschlüsselt`, `Verschlüsselt (Prozent): 3,5 %`, `Schutzstatus: Der Schutz ist aktiviert.`
 * A value it does not know is left out (e.g. no `state`); a volume with none of the known
 * labels (another language) makes the output unrecognised. The non-admin error
 * (`ERROR: An attempt to access a required resource was denied.`) gives `error: 'access denied'`.
 */
export function parseManageBdeStatus(text: string): ParsedBitLockerVolumes {
  if (isBinary(text)) return unrecognised('output is not text');
  const all = lines(text);
  const errLine = all.find((l) => /^\s*(ERROR|FEHLER)\s*:/i.test(l));
  if (errLine !== undefined) {
    const tail = all.slice(all.indexOf(errLine)).join(' ');
    return /denied|verweigert|administrat/i.test(tail) ? unrecognised(ACCESS_DENIED) : unrecognised(`manage-bde error: ${errLine.trim()}`);
  }
  const volumes: BitLockerVolumeReading[] = [];
  let cur: BitLockerVolumeReading | undefined;
  let known = 0;
  let inProtectors: number | undefined;
  const finish = (): string | undefined => {
    if (cur && known === 0) return 'no known labels in a volume (unsupported language?)';
    if (cur) volumes.push(cur);
    return undefined;
  };
  for (const raw of all) {
    const header = /^Volume\s+(?:"?([A-Za-z]:)"?|(\\\\\?\\Volume\{[0-9A-Fa-f-]{36}\}\\))\s*(?:\[.*\])?\s*$/.exec(raw);
    if (header) {
      const err = finish();
      if (err) return unrecognised(err);
      cur = header[1] ? { mount: header[1].toUpperCase() } : { device: header[2] as string };
      known = 0;
      inProtectors = undefined;
      continue;
    }
    if (!cur) continue; // banner and "volumes that can be protected" preamble
    if (raw.trim() === '') {
      inProtectors = undefined;
      continue;
    }
    const kind = /^\[(.+)\]\s*$/.exec(raw.trim());
    if (kind?.[1] && !/:/.test(raw)) {
      const vt = VOLUME_KIND[asciiKey(kind[1])];
      if (vt) cur.volumeType = vt;
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    const kv = /^\s+([^:]{1,64}):\s*(.*?)\s*$/.exec(raw);
    const field = kv ? LABELS[asciiKey(kv[1] as string)] : undefined;
    if (inProtectors !== undefined && indent > inProtectors && !field) {
      const item = raw.trim();
      // `External Key (Required for automatic unlock)`: the note in brackets is not the kind.
      const name = PROTECTORS[asciiKey(item.replace(/\s*\(.*\)\s*$/, ''))] ?? item.slice(0, 64);
      cur.protectors = [...(cur.protectors ?? []), name].slice(0, 16);
      continue;
    }
    inProtectors = undefined;
    if (!kv || !field) continue; // a label we do not use (or do not know)
    known++;
    const value = kv[2] as string;
    const key = asciiKey(value);
    switch (field) {
      case 'conversion': {
        const st = CONVERSION[key];
        if (st && cur.state !== 'locked') cur.state = st;
        break;
      }
      case 'percent': {
        const p = parsePercent(value);
        if (p !== undefined) cur.percentEncrypted = p;
        break;
      }
      case 'method':
        if (value !== '' && !NONE.has(key) && key !== 'unknown' && key !== 'unbekannt') cur.method = value.slice(0, 64);
        break;
      case 'protection':
        if (key === 'protectionon' || key === 'derschutzistaktiviert') cur.protectionOn = true;
        else if (key.startsWith('protectionoff') || key.startsWith('derschutzistdeaktiviert')) cur.protectionOn = false;
        break;
      case 'lock':
        if (key === 'locked' || key === 'gesperrt') cur.state = 'locked';
        break;
      case 'protectors':
        if (NONE.has(key)) cur.protectors = [];
        else if (value === '') inProtectors = indent;
        break;
      case 'other':
        break;
    }
  }
  const err = finish();
  if (err) return unrecognised(err);
  if (volumes.length === 0) return unrecognised('no "Volume X:" section');
  return { ok: true, volumes };
}
