/**
 * `audit-data accept REPORT.json (--finding ID... | --all) --reason TEXT [--by NAME]`: record
 * findings of a saved report as accepted, in the file the team commits (audit-data.accepted.json).
 * A scan then shows them as accepted and does not fail on them, until they grow.
 */
import { userInfo } from 'node:os';
import { UsageError } from '../errors.js';
import { findingId } from '../report/diff.js';
import { addAccepted, DEFAULT_ACCEPTED_FILE, type AcceptedFinding } from '../scan/accepted.js';
import { datasetKey } from '../scan/datasets.js';
import { askedForHelp, commandParser } from './parser.js';
import { readReport } from './render-command.js';

export async function acceptCommand(argv: string[]): Promise<number> {
  const args = commandParser(
    argv,
    'audit-data accept',
    'audit-data accept <report.json> (--finding ID... | --all) --reason TEXT [--by NAME]\n\nRecord findings of a saved report as accepted (reviewed, not a problem). A scan shows an accepted finding as accepted and does not fail on it; if it grows (more rows, higher severity) it is new again. The ids are in the scan output and in `audit-data diff`.',
    ['finding'],
  )
    .command('$0 <report>', false)
    .positional('report', { type: 'string', describe: 'a JSON report (from scan, or --format json)' })
    .option('finding', { type: 'string', array: true, describe: 'the id of a finding to accept (repeatable)' })
    .option('all', { type: 'boolean', default: false, describe: 'accept every finding above info in the report' })
    .option('reason', { type: 'string', demandOption: true, describe: 'why it is accepted (kept in the file)' })
    .option('by', { type: 'string', describe: 'who accepts it (default: the user name)' })
    .option('accepted', { type: 'string', default: DEFAULT_ACCEPTED_FILE, describe: 'the accepted-findings file' })
    .parseSync() as unknown as { report: string; finding?: string[]; all: boolean; reason: string; by?: string; accepted: string };
  if (askedForHelp(argv)) return 0;
  if (!args.all && !args.finding?.length) throw new UsageError('name the findings to accept with --finding ID (or --all)');
  if (args.all && args.finding?.length) throw new UsageError('give --finding or --all, not both');
  if (args.reason.trim() === '') throw new UsageError('--reason needs a text: why the finding is accepted');
  const report = readReport(args.report);
  const dataset = datasetKey(report.candidate.path);
  const byId = new Map(report.findings.map((f) => [findingId(f), f]));
  const unknown = (args.finding ?? []).filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    const known = [...byId.keys()].join(', ') || 'none';
    throw new UsageError(`${args.report} has no finding ${unknown.join(', ')} (its findings: ${known})`);
  }
  const chosen = args.all ? report.findings.filter((f) => f.severity !== 'info') : args.finding!.map((id) => byId.get(id)!);
  if (chosen.length === 0) throw new UsageError(`${args.report} has no finding above info to accept`);
  const at = new Date().toISOString();
  const by = args.by ?? safeUserName();
  const entries: AcceptedFinding[] = chosen.map((f) => ({
    id: findingId(f),
    dataset,
    rule: f.rule,
    column: f.column,
    value: f.value,
    severity: f.severity,
    count: f.count,
    by,
    reason: args.reason.trim(),
    at,
  }));
  await addAccepted(args.accepted, entries);
  process.stdout.write(`Accepted ${entries.length} finding${entries.length === 1 ? '' : 's'} of ${dataset} in ${args.accepted} (commit it to share with the team).\n`);
  return 0;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
