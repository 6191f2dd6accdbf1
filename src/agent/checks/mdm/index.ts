/** The `mdm` check: is the device enrolled in device management, and with whom? */
import { evaluateMdm } from '../../../shared/rules/mdm.js';
import type { CheckDefinition } from '../types.js';
import { collectDarwinMdm } from './darwin.js';
import { collectLinuxMdm } from './linux.js';
import { collectWin32Mdm } from './win32.js';

export const mdmCheck: CheckDefinition<'mdm'> = {
  id: 'mdm',
  title: 'Device management (MDM)',
  probes: [
    { id: 'linux.intune-dir', platform: 'linux', runs: 'list `/opt/microsoft/intune`', gives: 'Microsoft Intune for Linux installed' },
    { id: 'linux.orbit-dir', platform: 'linux', runs: 'list `/opt/orbit`', gives: 'Fleet (fleetd) installed, and enrolled when its node key file exists' },
    { id: 'linux.jcagent-conf', platform: 'linux', runs: 'read `/opt/jc/jcagent.conf` (root)', gives: 'JumpCloud agent installed, and registered when it holds a systemKey' },
    { id: 'linux.ws1-hub-dir', platform: 'linux', runs: 'list `/opt/vmware/ws1-hub`', gives: 'Workspace ONE Intelligent Hub installed' },
    { id: 'linux.landscape-client-conf', platform: 'linux', runs: 'read `/etc/landscape/client.conf`', gives: 'Canonical Landscape client configured for an account' },
    { id: 'linux.puppet-dir', platform: 'linux', runs: 'list `/etc/puppetlabs`', gives: 'Puppet present (configuration management, not MDM)' },
    { id: 'linux.chef-dir', platform: 'linux', runs: 'list `/etc/chef`', gives: 'Chef present (configuration management, not MDM)' },
    { id: 'linux.salt-dir', platform: 'linux', runs: 'list `/etc/salt`', gives: 'Salt present (configuration management, not MDM)' },
    { id: 'darwin.profiles-enrollment', platform: 'darwin', runs: '`profiles status -type enrollment`', gives: 'MDM enrolled, via DEP, user approved, MDM server' },
    { id: 'darwin.mdmclient-installed-profiles', platform: 'darwin', runs: '`mdmclient QueryInstalledProfiles` (only when `profiles` cannot answer)', gives: 'a com.apple.mdm payload among the device profiles' },
    { id: 'win32.dsregcmd-status', platform: 'win32', runs: '`dsregcmd /status`', gives: 'Entra/domain/workplace join, domain and tenant names' },
    { id: 'win32.reg-enrollments', platform: 'win32', runs: '`reg query HKLM\\SOFTWARE\\Microsoft\\Enrollments /s`', gives: 'active MDM enrollments, provider and server URL' },
  ],
  collectors: { linux: collectLinuxMdm, darwin: collectDarwinMdm, win32: collectWin32Mdm },
  rule: evaluateMdm,
};
