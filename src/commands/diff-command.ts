/** `audit-data diff OLD.json NEW.json [--format table|json]`: what changed between two saved reports. */
import wrapAnsi from 'wrap-ansi';
import { askedForHelp, commandParser } from './parser.js';
import { diffReports, worsened, type DiffEntry, type ReportDiff } from '../report/diff.js';
import { readReport } from './render-command.js';
import { columnAndValue, terminalSafe } from '../format.js';

export async function diffCommand(argv: string[], width: number): Promise<number> {
  const args = commandParser(
    argv,
    'audit-data diff',
    'audit-data diff <old.json> <new.json> [--format table|json]\n\nWhat changed between two saved reports of a dataset: findings new, gone, grown (higher severity or more rows), shrunk or unchanged, matched by rule, column and value. Exit 1 when a finding above info is new or grown, else 0.',
  )
    .command('$0 <old> <new>', false)
    .positional('old', { type: 'string', describe: 'the earlier report (--format json)' })
    .positional('new', { type: 'string', describe: 'the later report' })
    .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const, describe: 'output format' })
    .parseSync() as { old: string; new: string; format: 'table' | 'json' };
  if (askedForHelp(argv)) return 0;
  const diff = diffReports(readReport(args.old), readReport(args.new));
  process.stdout.write(args.format === 'json' ? JSON.stringify(diff, null, 2) + '\n' : diffText(diff, width));
  return worsened(diff) ? 1 : 0;
}

/** The diff for a terminal: a headline, then each group with its findings. */
export function diffText(diff: ReportDiff, width = 80): string {
  const lines: string[] = [];
  const wrap = (text: string, indent = ''): void => {
    for (const line of wrapAnsi(terminalSafe(text), Math.max(20, width - indent.length), { hard: true, trim: true }).split('\n')) lines.push(indent + line);
  };
  wrap(
    `Verdict ${diff.verdict.before} -> ${diff.verdict.after}, trust score ${diff.trustScore.before} -> ${diff.trustScore.after}${diff.sameContent ? ' (same content: the files hash the same)' : ''}.`,
  );
  wrap(`${diff.added.length} new, ${diff.grown.length} grown, ${diff.removed.length} gone, ${diff.shrunk.length} shrunk, ${diff.unchanged.length} unchanged.`);
  const group = (title: string, entries: DiffEntry[], showBefore: boolean): void => {
    const shown = entries.filter((e) => e.severity !== 'info' || (e.before && e.before.severity !== 'info'));
    if (shown.length === 0) return;
    lines.push('', title);
    for (const e of shown) {
      const where = columnAndValue(e);
      const was = showBefore && e.before ? ` (was ${e.before.severity}, ${e.before.count} rows)` : '';
      wrap(`${e.severity.toUpperCase()} ${e.rule}${where ? ` · ${where}` : ''} · ${e.count} rows${was}`, '  ');
      wrap(e.message, '    ');
    }
  };
  group('New', diff.added, false);
  group('Grown', diff.grown, true);
  group('Gone', diff.removed, false);
  group('Shrunk', diff.shrunk, true);
  return lines.join('\n') + '\n';
}
