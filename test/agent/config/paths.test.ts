import { describe, expect, it } from 'vitest';
import { agentStateDir } from '../../../src/agent/config/paths.js';

describe('agentStateDir', () => {
  it('uses POSTURE_AGENT_HOME when set', () => {
    expect(agentStateDir({ platform: 'linux', env: { POSTURE_AGENT_HOME: '/srv/agent' }, homedir: '/home/a' })).toBe('/srv/agent');
  });
  it('rejects a relative POSTURE_AGENT_HOME', () => {
    expect(() => agentStateDir({ platform: 'linux', env: { POSTURE_AGENT_HOME: 'state' }, homedir: '/home/a' })).toThrow(/absolute/);
  });
  it('follows XDG_CONFIG_HOME on Linux, defaulting to ~/.config', () => {
    expect(agentStateDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/x/cfg' }, homedir: '/home/a' })).toBe('/x/cfg/ai-factory-posture');
    expect(agentStateDir({ platform: 'linux', env: {}, homedir: '/home/a' })).toBe('/home/a/.config/ai-factory-posture');
  });
  it('uses Application Support on macOS', () => {
    expect(agentStateDir({ platform: 'darwin', env: {}, homedir: '/Users/a' })).toBe('/Users/a/Library/Application Support/ai-factory-posture');
  });
  it('uses %APPDATA% on Windows', () => {
    expect(agentStateDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, homedir: 'C:\\Users\\a' })).toBe('C:\\Users\\a\\AppData\\Roaming\\ai-factory-posture');
  });
});
