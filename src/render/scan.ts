/**
 * What a scan prints: a summary table for the terminal, and JUnit XML for CI (one testsuite per
 * dataset, one testcase per rule or check, a failure for the findings at or above the fail-on
 * severity that are not accepted). Pure functions of the run's record.
 */
import wrapAnsi from 'wrap-ansi';
import { severityRank, type Severity } from '../engine/finding.js';
import { columnAndValue, terminalSafe } from '../format.js';
import type { DatasetEntry, FindingEntry, RunRecord } from '../scan/history.js';

/** Without --fail-on a dataset fails on a verdict other than trusted, which takes a medium finding or worse. */
export const DEFAULT_JUNIT_FAIL_ON: Severity = 'medium';

export interface ScanView {
  record: RunRecord;
  /** The run folder as the user can open it. */
  runFolder: string;
}

export function scanText({ record, runFolder }: ScanView, width = 80): string {
  const lines: string[] = [];
  const wrap = (text: string, indent = '', hanging = indent): void => {
    const wrapped = wrapAnsi(terminalSafe(text), Math.max(20, width - indent.length), { hard: true, trim: true }).split('\n');
    wrapped.forEach((line, i) => lines.push((i === 0 ? indent : hanging) + line));
  };
  const t = record.totals;
  wrap(
    `Scan ${record.runId}: ${t.datasets} dataset${t.datasets === 1 ? '' : 's'}, ${t.passed} passed, ${t.failed} failed, ${t.errors} error${t.errors === 1 ? '' : 's'}` +
      (t.unchanged > 0 ? ` (${t.unchanged} unchanged, not audited again)` : '') +
      (record.complete ? '' : ' - INTERRUPTED'),
  );
  lines.push('');
  const rows = record.datasets.map((entry) => [
    entry.dataset,
    entry.status === 'pass' ? 'pass' : entry.status.toUpperCase(),
    entry.verdict ?? '-',
    entry.trustScore === null ? '-' : String(entry.trustScore),
    changeWords(entry),
    `${(entry.durationMs / 1000).toFixed(1)} s`,
  ]);
  const header = ['DATASET', 'RESULT', 'VERDICT', 'SCORE', 'SINCE LAST SCAN', 'TIME'];
  const fixed = [6, 7, 5, 6];
  const rest = Math.max(20, width - fixed.reduce((a, b) => a + b, 0) - 2 * (header.length - 1));
  const longestChange = Math.max(15, ...rows.map((r) => r[4]!.length));
  const datasetWidth = Math.min(Math.max(7, ...rows.map((r) => r[0]!.length)), Math.max(12, rest - longestChange));
  const changeWidth = Math.min(longestChange, rest - datasetWidth);
  const widths = [datasetWidth, fixed[0]!, 7, fixed[2]!, changeWidth, fixed[3]!];
  // A long dataset name keeps its end (the file name); a long change text its start.
  const cell = (text: string, w: number, i: number): string =>
    text.length <= w ? text.padEnd(w) : i === 0 ? '…' + text.slice(text.length - w + 1) : text.slice(0, w - 1) + '…';
  for (const row of [header, ...rows]) lines.push(row.map((text, i) => cell(terminalSafe(text), widths[i]!, i)).join('  ').trimEnd());

  for (const entry of record.datasets) {
    if (entry.status === 'pass' && !entry.findings.some((f) => f.accepted)) continue;
    lines.push('');
    if (entry.status === 'error') {
      const error = entry.error ?? 'unknown error';
      wrap(`${entry.dataset}: could not be audited: ${error.startsWith(`${entry.dataset}: `) ? error.slice(entry.dataset.length + 2) : error}`);
      continue;
    }
    wrap(`${entry.dataset}: ${entry.verdict}, trust score ${entry.trustScore}${entry.effectiveVerdict !== entry.verdict ? ` (${entry.effectiveVerdict} without the accepted findings)` : ''}`);
    const added = new Set(entry.changes?.findings.added.map((e) => e.id) ?? []);
    const grown = new Set(entry.changes?.findings.grown.map((e) => e.id) ?? []);
    const first = entry.changes?.content === 'first';
    const shown = entry.findings.filter((f) => f.severity !== 'info');
    for (const finding of shown) {
      const tag = finding.accepted ? 'accepted' : first ? '' : added.has(finding.id) ? 'new' : grown.has(finding.id) ? 'grown' : 'persists';
      wrap(`${tag ? `${tag}: ` : ''}${findingLine(finding)}`, '  ', '      ');
    }
    const gone = entry.changes?.findings.removed.filter((e) => e.severity !== 'info') ?? [];
    for (const finding of gone) wrap(`gone: ${findingLine({ ...finding, accepted: false })}`, '  ', '      ');
  }
  lines.push('');
  wrap(`History: ${runFolder}/ (scan-summary.json; a JSON and an HTML report per dataset).`);
  const failed = record.datasets.find((e) => e.status === 'fail' && e.reports.json);
  if (failed) wrap(`To accept a finding: audit-data accept ${runFolder}/${failed.reports.json} --finding ID --reason "why"`);
  return lines.join('\n') + '\n';
}

/** `HIGH range amount = 120, 37 rows [dd22415eea]`. */
function findingLine(finding: FindingEntry): string {
  const where = columnAndValue(finding);
  return `${finding.severity.toUpperCase()} ${finding.rule}${where ? ` ${where}` : ''}, ${finding.count} rows [${finding.id}]`;
}

/** The change column: first scan, unchanged, or how many findings came and went. */
export function changeWords(entry: DatasetEntry): string {
  const changes = entry.changes;
  if (!changes) return '-';
  if (entry.status === 'error') return changes.reused ? 'unchanged' : '-';
  if (changes.content === 'first') return 'first scan';
  const counted = (list: { severity: Severity }[]): number => list.filter((e) => e.severity !== 'info').length;
  const parts = [
    ['new', counted(changes.findings.added) + changes.outgrown.length],
    ['grown', counted(changes.findings.grown)],
    ['gone', counted(changes.findings.removed)],
  ]
    .filter(([, n]) => (n as number) > 0)
    .map(([word, n]) => `${n} ${word}`);
  if (changes.reused) return 'unchanged';
  if (changes.content === 'unchanged') return parts.length > 0 ? `same file: ${parts.join(', ')}` : 'same file, same findings';
  return parts.length > 0 ? `changed: ${parts.join(', ')}` : 'changed, same findings';
}

/** JUnit XML (the Jenkins junit-4 schema, which GitLab and GitHub test reporters read). */
export function scanJunit(record: RunRecord, failOn: Severity = record.failOn ?? DEFAULT_JUNIT_FAIL_ON): string {
  const suites = record.datasets.map((entry, index) => testsuite(entry, index, record, failOn));
  const count = (name: 'tests' | 'failures' | 'errors'): number => suites.reduce((total, suite) => total + suite[name], 0);
  const time = seconds(record.datasets.reduce((total, e) => total + e.durationMs, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="audit-data scan ${xml(record.runId)}" tests="${count('tests')}" failures="${count('failures')}" errors="${count('errors')}" time="${time}">`,
    ...suites.map((suite) => suite.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
}

function testsuite(entry: DatasetEntry, index: number, record: RunRecord, failOn: Severity): Suite {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const classname = xml(entry.dataset);
  if (entry.status === 'error') {
    cases.push(`    <testcase classname="${classname}" name="load" time="${seconds(entry.durationMs)}">`, `      <error message="${xml(entry.error ?? 'could not be audited')}" type="input"/>`, '    </testcase>');
    errors++;
  }
  for (const check of entry.checks) {
    const findings = entry.findings.filter((f) => f.rule === check.id);
    const failing = findings.filter((f) => !f.accepted && severityRank(f.severity) >= severityRank(failOn));
    const other = findings.filter((f) => !failing.includes(f));
    const time = entry.timings[`rule:${check.id}`];
    const open = `    <testcase classname="${classname}" name="${xml(check.id)}"${time === undefined ? '' : ` time="${seconds(time)}"`}`;
    const body: string[] = [];
    if (check.status === 'skipped') {
      skipped++;
      body.push(`      <skipped>${xml(check.reason ?? 'skipped')}</skipped>`);
    } else if (check.status === 'error') {
      errors++;
      body.push(`      <error message="${xml(check.reason ?? 'the check failed')}" type="check-error"/>`);
    }
    if (failing.length > 0) {
      failures++;
      const highest = failing.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a)).severity;
      body.push(
        `      <failure message="${xml(`${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${failOn}, the highest ${highest}`)}" type="${highest}">${xml(failing.map(findingText).join('\n'))}</failure>`,
      );
    }
    const notes = other.filter((f) => f.accepted || f.severity !== 'info').map((f) => (f.accepted ? `accepted: ${findingText(f)}` : findingText(f)));
    const infos = other.length - notes.length;
    if (infos > 0) notes.push(`${infos} info note${infos === 1 ? '' : 's'} (in the dataset's report)`);
    if (notes.length > 0) body.push(`      <system-out>${xml(notes.join('\n'))}</system-out>`);
    cases.push(body.length === 0 ? `${open}/>` : [`${open}>`, ...body, '    </testcase>'].join('\n'));
  }
  const properties = [
    ['verdict', entry.verdict ?? 'error'],
    ['trustScore', entry.trustScore === null ? '' : String(entry.trustScore)],
    ['effectiveVerdict', entry.effectiveVerdict ?? ''],
    ['sha256', entry.sha256 ?? ''],
    ['sinceLastScan', changeWords(entry)],
    ['baseline', entry.baseline?.path ?? ''],
  ];
  const tests = entry.checks.length + (entry.status === 'error' ? 1 : 0);
  const attributes =
    `name="${classname}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(entry.durationMs)}"` +
    ` timestamp="${record.startedAt.replace(/\.\d+Z$/, '')}" id="${index}" package="audit-data"`;
  const xmlText = [
    `  <testsuite ${attributes}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${xml(name!)}" value="${xml(value!)}"/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return { xml: xmlText, tests, failures, errors };
}

/** The line, then the message: for JUnit, where the reader has no report beside it. */
function findingText(f: FindingEntry): string {
  return `${findingLine(f)}: ${f.message}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Text for an XML attribute or element: markup escaped, characters XML 1.0 forbids dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}
