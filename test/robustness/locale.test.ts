/**
 * Locale independence: the compiled CLI gives the same JSON (apart from generatedAt and timings)
 * under LANG=C and under LANG=sv_SE.UTF-8. Swedish collation sorts 'å', 'ä', 'ö' after 'z' and
 * the C locale (ICU's en-US-POSIX) puts lower case first, so any ordering through `localeCompare`
 * or `Intl.Collator` would move findings between the two runs. Node's ICU takes its default
 * locale from LC_ALL / LANG, which the first test checks: without that, this file could not fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { creditHead, csvText, tempDir, writePoisoned } from '../fixtures.js';
import { assertJsonReport, assertSameText, audit, cliEnv, withoutVolatileFields } from './cli.js';

const LOCALES = {
  c: { LANG: 'C', LC_ALL: 'C', LANGUAGE: undefined },
  swedish: { LANG: 'sv_SE.UTF-8', LC_ALL: 'sv_SE.UTF-8', LANGUAGE: undefined },
} as const;

/** Names whose Swedish order (a aa v w z Z å ä) and C-locale order (a å ä aa v w z Z) differ from code-unit order (Z aa v w z ä å). */
const NAMES = ['z', 'å', 'ä', 'Z', 'aa', 'v', 'w'];
const CODE_UNIT_ORDER = ['Z', 'aa', 'v', 'w', 'z', 'ä', 'å'];

function childLocale(env: Record<string, string | undefined>): { locale: string; dateLocale: string; order: string[] } {
  const script = `console.log(JSON.stringify({ locale: new Intl.Collator().resolvedOptions().locale, dateLocale: Intl.DateTimeFormat().resolvedOptions().locale, order: ${JSON.stringify(NAMES)}.sort((a, b) => a.localeCompare(b)) }))`;
  const result = spawnSync(process.execPath, ['-e', script], { env: cliEnv(env), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as { locale: string; dateLocale: string; order: string[] };
}

test('the two environments give node different default locales that collate differently (so this file can fail)', () => {
  const c = childLocale(LOCALES.c);
  const swedish = childLocale(LOCALES.swedish);
  assert.notEqual(c.locale, swedish.locale, `Intl.Collator locale ${c.locale} under C, ${swedish.locale} under sv_SE`);
  assert.notEqual(c.dateLocale, swedish.dateLocale);
  assert.notDeepEqual(c.order, swedish.order, 'localeCompare orders the names the same way in both');
  assert.notDeepEqual(swedish.order, CODE_UNIT_ORDER);
});

async function auditUnder(locale: keyof typeof LOCALES, file: string, args: readonly string[]): Promise<string> {
  const result = await audit(file, args, { env: LOCALES[locale], timeoutMs: 180_000 });
  assertJsonReport(result);
  return result.stdout;
}

test('the poisoned credit head: byte-identical JSON under C and sv_SE apart from generatedAt and timings', async (t) => {
  // The known attack with its label given: findings, the models and a trigger all in the compared JSON.
  const { file } = writePoisoned(tempDir(t), { source: creditHead() });
  const args = ['--format', 'json', '--seed', '42', '--label', 'DEFAULT'];
  const [c, swedish] = await Promise.all([auditUnder('c', file, args), auditUnder('swedish', file, args)]);
  assertSameText(withoutVolatileFields(c), withoutVolatileFields(swedish), 'C vs sv_SE');
  const report = JSON.parse(c) as { model: { enabled?: boolean }; triggers: unknown[] };
  assert.equal(report.model.enabled, true, 'the models ran');
  assert.ok(report.triggers.length > 0, 'a trigger is part of the compared report');
});

test('column names and values that Swedish and C collation order differently: same JSON, findings in code-unit order', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'names.csv');
  const header = ['id', ...NAMES, 'city', 'y'];
  const rows = Array.from({ length: 80 }, (_, i) => [`r${i}`, ...NAMES.map((name) => `${name}${name}`), NAMES[i % NAMES.length], i % 3 === 0 ? 'yes' : 'no']);
  writeFileSync(file, csvText(header, rows));
  const args = ['--format', 'json', '--seed', '42', '--label', 'y'];
  const [c, swedish] = await Promise.all([auditUnder('c', file, args), auditUnder('swedish', file, args)]);
  assertSameText(withoutVolatileFields(c), withoutVolatileFields(swedish), 'C vs sv_SE');
  const report = JSON.parse(c) as { findings: { rule: string; column: string | null }[] };
  const constant = report.findings.filter((f) => f.rule === 'constant-columns').map((f) => f.column);
  assert.deepEqual(constant, CODE_UNIT_ORDER, 'equal findings ordered by column name in code units');
});
