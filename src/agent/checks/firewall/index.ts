/** The `firewall` check: is a firewall filtering inbound traffic? */
import { evaluateFirewall } from '../../../shared/rules/firewall.js';
import type { CheckDefinition } from '../types.js';
import { collectDarwinFirewall } from './darwin.js';
import { collectLinuxFirewall } from './linux.js';
import { collectWin32Firewall } from './win32.js';

export const firewallCheck: CheckDefinition<'firewall'> = {
  id: 'firewall',
  title: 'Firewall',
  probes: [
    { id: 'linux.ufw-conf', platform: 'linux', runs: 'read `/etc/ufw/ufw.conf`', gives: 'whether ufw is installed and set to start (ENABLED=yes)' },
    { id: 'linux.ufw-status', platform: 'linux', runs: '`ufw status verbose` (root; only when ufw.conf says ENABLED=yes)', gives: 'ufw active/inactive and its default incoming policy' },
    { id: 'linux.firewalld-conf', platform: 'linux', runs: 'read `/etc/firewalld/firewalld.conf`', gives: 'whether firewalld is installed, and its default zone' },
    { id: 'linux.firewall-cmd-state', platform: 'linux', runs: '`firewall-cmd --state` (only when firewalld is installed)', gives: 'firewalld running / not running' },
    { id: 'linux.nft-list-ruleset', platform: 'linux', runs: '`nft -j list ruleset` (root)', gives: 'input-hook chains that drop or reject by default' },
    { id: 'linux.iptables-input', platform: 'linux', runs: '`iptables -S INPUT` (root)', gives: 'the INPUT chain policy and a final DROP/REJECT rule' },
    { id: 'darwin.socketfilterfw', platform: 'darwin', runs: '`socketfilterfw --getglobalstate --getblockall --getallowsigned --getstealthmode --getloggingmode --getloggingopt`', gives: 'Application Firewall on/off, block all incoming, stealth mode' },
    { id: 'darwin.socketfilterfw-listapps', platform: 'darwin', runs: '`socketfilterfw --listapps`', gives: 'how many apps may accept incoming connections' },
    { id: 'darwin.mdmclient-security-info', platform: 'darwin', runs: '`mdmclient QuerySecurityInfo` (only when socketfilterfw cannot answer)', gives: 'FirewallEnabled, BlockAllIncoming, StealthMode' },
    { id: 'win32.get-netfirewallprofile', platform: 'win32', runs: 'PowerShell `Get-NetFirewallProfile` and `Get-NetConnectionProfile` as JSON', gives: 'per-profile Enabled, DefaultInboundAction, and which profile is in use' },
    { id: 'win32.reg-firewall', platform: 'win32', runs: '`reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy /s /v EnableFirewall` (only when PowerShell cannot answer)', gives: 'per-profile local on/off switch (any language)' },
    { id: 'win32.reg-firewall-policy', platform: 'win32', runs: '`reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall /s /v EnableFirewall` (with `win32.reg-firewall`)', gives: 'per-profile on/off set by Group Policy, which wins over the local switch' },
    { id: 'win32.netsh-advfirewall', platform: 'win32', runs: '`netsh advfirewall show allprofiles state` (only when PowerShell and the registry cannot answer)', gives: 'per-profile state ON/OFF (English Windows)' },
  ],
  collectors: { linux: collectLinuxFirewall, darwin: collectDarwinFirewall, win32: collectWin32Firewall },
  rule: evaluateFirewall,
};
