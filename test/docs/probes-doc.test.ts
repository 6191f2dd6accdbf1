// docs/probes.md lists every probe the checks may run; this test keeps it in step with the code.
// Regenerate with: UPDATE_DOCS=1 npx vitest run test/docs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/agent/checks/index.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'probes.md');

function render(): string {
  const lines = [
    '# Probe ids',
    '',
    'Every probe a check may run, by stable id. `posture-agent diagnose --out bundle.json` records each one that ran (command, arguments, stdout, stderr, exit code, duration); `posture-agent check --replay bundle.json` evaluates such a bundle on any OS. Parameterised probes appear in a bundle as `<id>#<instance>`.',
    '',
    '_Generated from the check definitions by `UPDATE_DOCS=1 npx vitest run test/docs`; a test fails when this file and the code disagree._',
    '',
  ];
  for (const c of ALL_CHECKS) {
    lines.push(`## \`${c.id}\`: ${c.title}`, '', '| probe id | OS | runs / reads | gives |', '|---|---|---|---|');
    for (const p of c.probes) lines.push(`| \`${p.id}\` | ${p.platform} | ${p.runs.replace(/\|/g, '\\|')} | ${p.gives.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

describe('docs/probes.md', () => {
  it('lists exactly the probes the checks define', () => {
    const expected = render();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
    expect(readFileSync(DOC, 'utf8')).toBe(expected);
  });

  it('uses unique, well-formed probe ids per platform', () => {
    const seen = new Set<string>();
    for (const c of ALL_CHECKS) {
      for (const p of c.probes) {
        expect(p.id, p.id).toMatch(/^(linux|darwin|win32)\.[a-z0-9][a-z0-9._-]*$/);
        expect(p.id.startsWith(`${p.platform}.`), p.id).toBe(true);
        seen.add(`${c.id}:${p.id}`);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
  });
});
