/**
 * The README's first command (`npm run demo`) end to end, in-process: the real service on
 * loopback, the headless agent attesting THIS machine, a gateway decision, a revocation,
 * the CAEP poll and the OCSF trail. The machine's posture decides allow or deny, so the
 * test asserts the flow and its invariants, not a verdict.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';

describe('npm run demo', () => {
  it('runs the whole flow on this machine and cleans up', async () => {
    let text = '';
    const code = await runDemo({ write: (s) => void (text += s) });
    // Bold step titles: drop the ANSI escapes.
    const plain = text.split('\u001b[1m').join('').split('\u001b[0m').join('');
    expect(code, plain).toBe(0);
    for (let i = 1; i <= 9; i++) expect(plain).toMatch(new RegExp(`^${i}\\. `, 'm'));
    expect(plain).toMatch(/enrolled as dev_\S+ for alice/);
    expect(plain).toMatch(/GET jupyter-hub\/hub\/home -> (200 ALLOW|403 DENY)/);
    expect(plain).toMatch(/without a posture token -> 401/);
    // After the revocation: denied as revoked, one CAEP SET says so.
    expect(plain).toMatch(/GET jupyter-hub\/hub\/home -> 403: device-revoked/);
    expect(plain).toMatch(/events\/poll -> 200: 1 CAEP device-compliance-change SET\(s\)\n\s+current_status not-compliant: device revoked/);
    // The SIEM trail has every class, and no user name.
    for (const cls of ['5001 Device Inventory Info', '2003 Compliance Finding', '5019 Device Config State Change', '6004 Web Resource Access Activity']) expect(plain).toContain(cls);
    const trail = plain.slice(plain.indexOf('8. The event trail'), plain.indexOf('9. Cleaning up'));
    expect(trail).not.toContain('alice');
    const removed = /stopped the service and removed (\S+)/.exec(plain)?.[1] ?? '';
    expect(removed).toMatch(/posture-demo-/);
    expect(existsSync(removed)).toBe(false);
  }, 60_000);
});
