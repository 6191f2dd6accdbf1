/** Renders a posture report as a human table for the terminal. Pure. */
import type { CheckStatus } from '../../shared/check-ids.js';
import type { PostureReport } from '../../shared/check-result.js';

export interface FormatOptions {
  color: boolean;
  /** Titles per check id. */
  titles: Readonly<Record<string, string>>;
}

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN', unsupported: 'N/A' };
const COLOR: Record<CheckStatus, string> = { pass: '32', fail: '31', unknown: '33', unsupported: '90' };

/** The report as lines of text (no trailing newline). */
export function formatReport(report: PostureReport, opts: FormatOptions): string {
  const paint = (s: CheckStatus, text: string): string => (opts.color ? `\u001b[${COLOR[s]}m${text}\u001b[0m` : text);
  const judged =
    report.requirementsSource === 'baseline'
      ? 'judged against the built-in baseline (this device has not received its policy yet)'
      : report.requirementsSource === 'service'
        ? "judged against the posture service's requirements"
        : 'no requirements';
  const source = report.mode === 'replay' ? `replayed bundle from ${report.platform}, collected ${report.collectedAt}` : `this machine (${report.platform})`;
  const lines = [`Posture of ${source}, ${judged}:`, ''];
  const titleWidth = Math.max(...report.checks.map((c) => (opts.titles[c.id] ?? c.id).length), 5);
  for (const c of report.checks) {
    const title = (opts.titles[c.id] ?? c.id).padEnd(titleWidth);
    const label = paint(c.status, LABEL[c.status].padEnd(7));
    lines.push(`  ${title}  ${label}  ${oneLine(c.summary)}`);
    if (c.remediation && (c.status === 'fail' || c.status === 'unknown')) {
      lines.push(`  ${' '.repeat(titleWidth)}           fix: ${oneLine(c.remediation)}`);
    }
  }
  const counts = (['pass', 'fail', 'unknown', 'unsupported'] as const)
    .map((s) => [s, report.checks.filter((c) => c.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s === 'unsupported' ? 'not applicable' : s}`)
    .join(', ');
  lines.push('', `Overall: ${paint(report.overall, LABEL[report.overall])} (${counts}; collected in ${Math.round(report.durationMs)} ms)`);
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Exit code of `check`: 0 all pass, 1 some fail, 2 some unknown and none fail. */
export function exitCodeFor(report: PostureReport): 0 | 1 | 2 {
  if (report.checks.some((c) => c.status === 'fail')) return 1;
  if (report.checks.some((c) => c.status === 'unknown')) return 2;
  return 0;
}
