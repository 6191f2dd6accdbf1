/** Executables the `firewall` collectors may run. */
import type { CommandSpec } from './types.js';

export const firewallCommands = {
  /** Ubuntu's Uncomplicated Firewall front end: `ufw status verbose` (root only). */
  ufw: { linux: ['/usr/sbin/ufw', '/sbin/ufw'] },
  /** firewalld's client: `firewall-cmd --state`. */
  'firewall-cmd': { linux: ['/usr/bin/firewall-cmd', '/bin/firewall-cmd', '/usr/sbin/firewall-cmd'] },
  /** nftables: `nft -j list ruleset` (root only). */
  nft: { linux: ['/usr/sbin/nft', '/sbin/nft'] },
  /** iptables (legacy or nft back end): `iptables -S INPUT` (root only). */
  iptables: { linux: ['/usr/sbin/iptables', '/sbin/iptables'] },
  /** macOS Application Firewall. */
  socketfilterfw: { darwin: ['/usr/libexec/ApplicationFirewall/socketfilterfw'] },
  /** Windows Firewall, fallback when PowerShell cannot answer. */
  netsh: { win32: ['%SystemRoot%\\System32\\netsh.exe'] },
} as const satisfies Record<string, CommandSpec>;
