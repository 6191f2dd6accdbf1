/** Parsers for Linux hidraw devices in sysfs: report descriptors and uevent files. */
import { lines, unrecognised, unusableText, type Unrecognised } from '../firewall/parse-util.js';

/** The FIDO Alliance HID usage page (CTAPHID): present on every FIDO U2F/FIDO2 key. */
export const FIDO_USAGE_PAGE = 0xf1d0;

export type ParsedHidDescriptor = { ok: true; usagePages: number[]; fido: boolean } | Unrecognised;

/**
 * Walks a binary HID report descriptor (`/sys/class/hidraw/<n>/device/report_descriptor`)
 * and collects its Usage Page items. A FIDO key declares page 0xF1D0, i.e. the bytes
 * `06 D0 F1` (Usage Page, 2-byte little-endian). Items are walked, not searched, so those
 * bytes inside another item's data do not count. A descriptor that runs past its end
 * is unrecognised. Takes raw bytes, not text; never throws.
 */
export function parseHidReportDescriptor(bytes: Uint8Array): ParsedHidDescriptor {
  if (bytes.length === 0) return unrecognised('empty descriptor');
  const pages = new Set<number>();
  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i] ?? 0;
    if (prefix === 0xfe) {
      // Long item: 0xFE, data size, long tag, data.
      const size = bytes[i + 1];
      if (size === undefined || i + 3 + size > bytes.length) return unrecognised(`long item runs past the end at byte ${i}`);
      i += 3 + size;
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 0x03] ?? 0;
    if (i + 1 + size > bytes.length) return unrecognised(`item runs past the end at byte ${i}`);
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    if (type === 1 && tag === 0 && size > 0) {
      let value = 0;
      for (let b = 0; b < size; b++) value += (bytes[i + 1 + b] ?? 0) * 2 ** (8 * b);
      pages.add(value);
    }
    i += 1 + size;
  }
  const usagePages = [...pages].sort((a, b) => a - b);
  return { ok: true, usagePages, fido: pages.has(FIDO_USAGE_PAGE) };
}

export type ParsedHidUevent = { ok: true; name?: string; vendorId?: string; productId?: string } | Unrecognised;

/**
 * Parses a hidraw device's `uevent` (`/sys/class/hidraw/<n>/device/uevent`):
 * ```
 * DRIVER=hid-generic
 * HID_ID=0003:00001050:00000407
 * HID_NAME=Yubico YubiKey OTP+FIDO+CCID
 * HID_PHYS=usb-0000:00:14.0-2/input1
 * ```
 * Never throws.
 */
export function parseHidUevent(text: string): ParsedHidUevent {
  const bad = unusableText(text);
  if (bad) return bad;
  const kv = new Map<string, string>();
  for (const raw of lines(text)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(raw.trim());
    if (m) kv.set(m[1] ?? '', m[2] ?? '');
  }
  if (!kv.has('HID_ID') && !kv.has('HID_NAME')) return unrecognised('no HID_ID or HID_NAME line');
  const out: { ok: true; name?: string; vendorId?: string; productId?: string } = { ok: true };
  const name = kv.get('HID_NAME')?.trim();
  if (name) out.name = name.slice(0, 128);
  const id = /^[0-9A-Fa-f]{4}:([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8})$/.exec(kv.get('HID_ID') ?? '');
  if (id) {
    out.vendorId = (id[1] ?? '').slice(4).toLowerCase();
    out.productId = (id[2] ?? '').slice(4).toLowerCase();
  }
  return out;
}

export type ParsedTpmVersion = { ok: true; major: number } | Unrecognised;

/**
 * Parses `/sys/class/tpm/tpm0/tpm_version_major` (Linux 5.6+): `2` for TPM 2.0, `1` for
 * TPM 1.2. Never throws.
 */
export function parseTpmVersionMajor(text: string): ParsedTpmVersion {
  const bad = unusableText(text);
  if (bad) return bad;
  const m = /^\s*([12])\s*$/.exec(text);
  return m ? { ok: true, major: Number(m[1]) } : unrecognised('not 1 or 2');
}
