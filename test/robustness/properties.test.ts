/**
 * Property tests (RELIABILITY 24, 27, 28):
 * - the audit never throws on random small tables (anything but an InputError is a bug), with
 *   and without the models;
 * - the order-insensitive rules give the same findings and suspicious rows whatever the row
 *   order, up to renumbering;
 * - any bytes as input: a report or an InputError in-process; exit 0, 1 or 2 and no stack trace
 *   through the CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { runAudit } from '../../src/audit.js';
import type { AuditConfig } from '../../src/config/schema.js';
import { loadBuiltinRules } from '../../src/engine/registry.js';
import type { Finding } from '../../src/engine/finding.js';
import { InputError } from '../../src/errors.js';
import { renderJson } from '../../src/render/json.js';
import type { Report } from '../../src/report/report.js';
import { assertContract, audit } from './cli.js';

let dir: string;
let fileCounter = 0;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'audit-data-properties-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function writeInput(data: string | Uint8Array, extension = 'csv'): string {
  const file = path.join(dir, `input-${++fileCounter}.${extension}`);
  writeFileSync(file, data);
  return file;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function csvOf(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// 1. Never throws on random small tables.

const trickyCell = fc.constantFrom('', ' ', 'NA', 'null', 'NaN', '?', '1e309', '-1e309', '-0', '0x1F', '1,234', '007', 'abc', '__proto__', 'constructor', 'a\nb', '"q"', '\u001b[31m', 'é');
const numericCell = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 30 }).map(String) },
  { weight: 2, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((v) => String(v)) },
  { weight: 1, arbitrary: trickyCell },
);
const textCell = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'd') }, { weight: 1, arbitrary: trickyCell });
const columnKind = fc.constantFrom('numeric', 'text', 'constant', 'missing');
const columnName = fc.constantFrom('x', 'y', 'age', 'amount', 'id', 'z', '__proto__', 'toString', 'count', 'pct', '');
const labelValue = fc.constantFrom('0', '1', '2', 'yes', 'no', '__proto__', 'toString', '');

const randomTable = fc
  .record({
    kinds: fc.array(columnKind, { minLength: 1, maxLength: 5 }),
    names: fc.array(columnName, { minLength: 5, maxLength: 5 }),
    rows: fc.integer({ min: 5, max: 60 }),
    classes: fc.uniqueArray(labelValue, { minLength: 1, maxLength: 4 }),
    explicitLabel: fc.boolean(),
    model: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      cells: fc.array(
        fc.tuple(...shape.kinds.map((kind) => (kind === 'numeric' ? numericCell : kind === 'text' ? textCell : fc.constant(kind === 'constant' ? 'k' : '')))),
        { minLength: shape.rows, maxLength: shape.rows },
      ),
      labels: fc.array(fc.constantFrom(...shape.classes), { minLength: shape.rows, maxLength: shape.rows }),
    }),
  );

test('the audit never throws on random small tables (models on for some), and the report renders', async () => {
  let withModel = 0;
  await fc.assert(
    fc.asyncProperty(randomTable, async ({ shape, cells, labels }) => {
      const header = [...shape.kinds.map((_, i) => shape.names[i]), 'label'];
      const file = writeInput(csvOf(header, cells.map((row, r) => [...row, labels[r]])));
      let report: Report;
      try {
        report = await runAudit({ candidate: file, label: shape.explicitLabel ? 'label' : undefined, model: shape.model, seed: shape.seed });
      } catch (error) {
        if (error instanceof InputError) return; // a clear input error is an allowed outcome
        throw error;
      }
      if (shape.model && report.label) withModel++;
      assert.equal(report.candidate.rows, shape.rows);
      assert.deepEqual(report.errors, [], 'no rule threw');
      assert.ok(Number.isFinite(report.trustScore));
      for (const row of report.suspiciousRows) assert.ok(Number.isInteger(row) && row >= 0 && row < shape.rows);
      for (const finding of report.findings) for (const row of finding.rows) assert.ok(row >= 0 && row < shape.rows);
      const reparsed = JSON.parse(renderJson(report)) as Report;
      assert.equal(reparsed.verdict, report.verdict);
    }),
    { numRuns: 120, seed: 20260507 },
  );
  assert.ok(withModel >= 5, `the models ran on some tables (${withModel})`);
});

// ---------------------------------------------------------------------------------------------
// 2. Row order does not change the order-insensitive rules.

const ORDER_INSENSITIVE = ['duplicate-rows', 'conflicting-labels', 'missing-values', 'constant-columns', 'range'];

interface PlainTable {
  header: string[];
  rows: string[][];
}

const smallInt = fc.integer({ min: -3, max: 12 }).map(String);
const orderTable = fc
  .record({
    base: fc.array(
      fc.record({
        n1: fc.oneof({ weight: 8, arbitrary: smallInt }, { weight: 1, arbitrary: fc.constantFrom('', '1000', '-500', '1e309') }),
        n2: fc.oneof({ weight: 8, arbitrary: smallInt }, { weight: 1, arbitrary: fc.constant('') }),
        age: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 18, max: 70 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom('999', '-4', '') }),
        t: fc.constantFrom('a', 'b', 'c', ''),
        k: fc.constant('same'),
        label: fc.constantFrom('0', '1', '2'),
      }),
      { minLength: 5, maxLength: 45 },
    ),
    copies: fc.array(fc.record({ from: fc.nat(), flip: fc.boolean() }), { maxLength: 15 }),
  })
  .map(({ base, copies }): PlainTable => {
    const rows = base.map((r) => [r.n1, r.n2, r.age, r.t, r.k, r.label]);
    for (const copy of copies) {
      const source = rows[copy.from % base.length].slice();
      if (copy.flip) source[5] = source[5] === '0' ? '1' : '0';
      rows.push(source);
    }
    return { header: ['n1', 'n2', 'age', 't', 'k', 'label'], rows };
  })
  .chain((table) =>
    fc.record({
      table: fc.constant(table),
      order: fc.shuffledSubarray(
        table.rows.map((_, i) => i),
        { minLength: table.rows.length, maxLength: table.rows.length },
      ),
    }),
  );

/** A finding in a form that does not depend on row order; `original[row]` is the row's number in the unshuffled table. */
function canonicalFinding(finding: Finding, original: readonly number[], table: PlainTable, report: Report): string {
  const rows = finding.rows.map((row) => original[row]);
  let rowKeys: string[];
  if (finding.rule === 'duplicate-rows') {
    // The rows reported are the later copies: which copy is "later" depends on the order, the
    // groups they belong to do not.
    const compared = finding.column === null
      ? report.schema.map((c, i) => ((c.kind === 'numeric' || c.kind === 'categorical' || c.name === report.label?.column) ? i : -1)).filter((i) => i >= 0)
      : [table.header.indexOf(finding.column)];
    rowKeys = rows.map((row) => JSON.stringify(compared.map((i) => table.rows[row][i])));
  } else {
    rowKeys = rows.map(String);
  }
  const evidence = { ...finding.evidence };
  // The class mix lists classes in the order the rows met them: compared as a set.
  if (Array.isArray(evidence.classMix)) evidence.classMix = (evidence.classMix as unknown[]).map((v) => JSON.stringify(v)).sort();
  // duplicate-rows' `sample` shows the first five repeated identifier values in file order: by
  // design it depends on the order, so only its size is compared.
  if (Array.isArray(evidence.sample)) evidence.sample = (evidence.sample as unknown[]).length;
  return JSON.stringify({ ...finding, rows: rowKeys.sort(), evidence });
}

test('row order does not change the findings of the order-insensitive rules, nor the suspicious rows', async () => {
  const builtin = await loadBuiltinRules();
  const rules: AuditConfig['rules'] = {};
  for (const id of builtin.keys()) if (!ORDER_INSENSITIVE.includes(id)) rules[id] = { severity: 'off' };
  const config: AuditConfig = { rules, columns: { n2: { min: -2, max: 11 } } };
  let compared = 0;
  let withSuspicious = 0;
  await fc.assert(
    fc.asyncProperty(orderTable, async ({ table, order }) => {
      const shuffled = { header: table.header, rows: order.map((i) => table.rows[i]) };
      const options = { label: 'label', model: false, config };
      const a = await runAudit({ candidate: writeInput(csvOf(table.header, table.rows)), ...options });
      const b = await runAudit({ candidate: writeInput(csvOf(shuffled.header, shuffled.rows)), ...options });
      assert.deepEqual(b.schema, a.schema);
      assert.deepEqual(b.label, a.label);
      const identity = table.rows.map((_, i) => i);
      const canonical = (report: Report, original: readonly number[]) =>
        report.findings.filter((f) => ORDER_INSENSITIVE.includes(f.rule)).map((f) => canonicalFinding(f, original, table, a)).sort();
      assert.deepEqual(canonical(b, order), canonical(a, identity));
      assert.deepEqual(b.suspiciousRows.map((row) => order[row]).sort((x, y) => x - y), a.suspiciousRows);
      assert.equal(b.verdict, a.verdict);
      assert.equal(b.trustScore, a.trustScore);
      compared += a.findings.length;
      if (a.suspiciousRows.length > 0) withSuspicious++;
    }),
    { numRuns: 150, seed: 20260508 },
  );
  assert.ok(compared > 60, `findings were compared (${compared})`);
  assert.ok(withSuspicious >= 5, `some tables had suspicious rows (${withSuspicious})`);
});

// ---------------------------------------------------------------------------------------------
// 3. Any bytes.

const csvishByte = fc.constantFrom(0x2c, 0x22, 0x0a, 0x0d, 0x61, 0x31, 0x20, 0x3b, 0x09, 0x7c, 0x00, 0xff, 0xc3, 0xa9, 0x1b, 0x2d, 0x2e, 0x65);
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.array(csvishByte, { maxLength: 400 }).map((bytes) => Uint8Array.from(bytes)),
  // Something that passes the text checks more often: ASCII CSV-ish text.
  fc.array(fc.constantFrom('a', 'b', '1', '2', ',', ';', '"', '\n', '\r\n', ' ', 'NA', '1e309', '\t'), { maxLength: 200 }).map((parts) => Buffer.from(parts.join(''))),
  // Gzip magic followed by anything.
  fc.uint8Array({ maxLength: 200 }).map((rest) => Uint8Array.from([0x1f, 0x8b, ...rest])),
);

test('any bytes in-process: a report or an InputError, nothing else', async () => {
  let reports = 0;
  await fc.assert(
    fc.asyncProperty(anyBytes, fc.boolean(), fc.constantFrom<'utf8' | 'latin1'>('utf8', 'latin1'), async (bytes, model, encoding) => {
      try {
        await runAudit({ candidate: writeInput(bytes), model, load: { encoding } });
        reports++;
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
      }
    }),
    { numRuns: 400, seed: 20260509 },
  );
  assert.ok(reports > 5, `some inputs gave reports (${reports})`);
});

test('any bytes through the CLI: exit 0, 1 or 2 and never a stack trace', async () => {
  const samples = fc.sample(anyBytes, { numRuns: 8, seed: 20260510 });
  samples.push(Buffer.from('a,b\n1,2\n3,4\n'), Uint8Array.from([0x1f, 0x8b, 0x08, 0x00]));
  await Promise.all(
    [0, 1].map(async (lane) => {
      for (let i = lane; i < samples.length; i += 2) {
        const file = writeInput(samples[i]);
        assertContract(await audit(file, ['--format', 'json', '--no-model']));
      }
    }),
  );
});
