/**
 * Injection and output safety (RELIABILITY 17, 20, 29): control bytes from the data never reach
 * a terminal; JSON keeps the raw strings; output files never replace the input, never replace an
 * existing file without --force, and are replaced atomically with it.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '../fixtures.js';
import { assertCleanError, assertJsonReport, assertNoStackTrace, audit, describeResult, fingerprint, fixture, runCli } from './cli.js';

const ESC = '\u001b';
const LABEL = `lab${ESC}[2J`;
const RED = `${ESC}[31mred${ESC}[0m`;
const CONSTANT_COLUMN = `const${ESC}]0;pwn\u0007`;
const CONSTANT_VALUE = `K${ESC}[5m\r\u202e`;

/** C0 controls other than LF, DEL, C1 controls, and the bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

function unsafeCharacters(text: string): string[] {
  return [...text].filter((c) => UNSAFE.test(c)).map((c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

describe('terminal output', { concurrency: 2 }, () => {
  test('no ESC, BEL, C1 or bidi control from column names and values reaches the terminal report', async () => {
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: undefined }]) {
      for (const model of [['--no-model'], []]) {
        const result = await audit(fixture('injection.csv'), ['--label', LABEL, ...model], { env });
        assertNoStackTrace(result);
        assert.ok(result.code === 0 || result.code === 1, describeResult(result));
        assert.deepEqual(unsafeCharacters(result.stdout), [], 'control characters on stdout');
        assert.deepEqual(unsafeCharacters(result.stderr), [], 'control characters on stderr');
        // The data is still shown, defanged.
        assert.match(result.stdout, /const\]0;pwn/);
        assert.match(result.stdout, /Label +lab\[2J/);
      }
    }
  });

  test('a file name with escape sequences is shown without them', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, `in${ESC}[31mjection\u009b.csv`);
    copyFileSync(fixture('injection.csv'), file);
    const result = await audit(file, ['--no-model', '--label', LABEL]);
    assert.ok(result.code === 0 || result.code === 1, describeResult(result));
    assert.deepEqual(unsafeCharacters(result.stdout), []);
    assert.match(result.stdout, /in\[31mjection\.csv/);
  });

  test('C1 bytes read as Latin-1 (0x9b is CSI) do not reach the terminal either', async (t) => {
    const rows = ['id,na\x9bme,flag\x1b[5m,label'];
    for (let i = 0; i < 30; i++) rows.push(`${i},${i % 2 ? 'x\x9b31m' : 'y\x85'},k\x9b2J,${i % 2}`);
    const file = path.join(tempDir(t), 'c1.csv');
    writeFileSync(file, Buffer.from(rows.join('\n') + '\n', 'latin1'));
    const result = await audit(file, ['--no-model', '--encoding', 'latin1', '--label', 'label']);
    assert.ok(result.code === 0 || result.code === 1, describeResult(result));
    assert.deepEqual(unsafeCharacters(result.stdout), []);
    assert.match(result.stdout, /flag\[5m/);
    const json = assertJsonReport(await audit(file, ['--no-model', '--encoding', 'latin1', '--label', 'label', '--format', 'json']));
    assert.deepEqual(json.schema.map((c) => c.name), ['id', 'na\u009bme', 'flag\u001b[5m', 'label']);
  });

  test('an error message quoting column names carries no control characters to stderr', async () => {
    const result = await audit(fixture('injection.csv'), ['--no-model', '--label', 'nope']);
    const message = assertCleanError(result, /label column 'nope' is not in the file/);
    assert.deepEqual(unsafeCharacters(result.stderr), [], `stderr: ${JSON.stringify(result.stderr)}`);
    assert.ok(message.includes('const'), 'the column names are still listed');
  });

  test('an error naming a path with escape sequences carries no control characters to stderr', async (t) => {
    const missing = path.join(tempDir(t), `no${ESC}]0;title\u0007such.csv`);
    const result = await audit(missing, ['--no-model']);
    assertCleanError(result, /no such file/);
    assert.deepEqual(unsafeCharacters(result.stderr), []);
  });
});

describe('JSON output', () => {
  test('parses, and keeps the raw strings (names, label classes, values) exactly', async () => {
    const result = await audit(fixture('injection.csv'), ['--format', 'json', '--no-model', '--label', LABEL]);
    const report = assertJsonReport(result);
    assert.deepEqual(report.schema.map((c) => c.name), ['id', RED, 'bel\u0007col', 'c1\u009b2Jcol', CONSTANT_COLUMN, LABEL]);
    assert.deepEqual(report.label?.classes, [`A${ESC}[41m`, 'B\u0007\b']);
    const constant = report.findings.find((f) => f.rule === 'constant-columns');
    assert.equal(constant?.column, CONSTANT_COLUMN);
    assert.equal(constant?.value, CONSTANT_VALUE);
    // JSON escapes the C0 controls itself: no raw ESC byte on stdout.
    assert.ok(!result.stdout.includes(ESC));
  });
});

describe('output paths', { concurrency: 2 }, () => {
  function copyInput(dir: string): string {
    const input = path.join(dir, 'input.csv');
    copyFileSync(fixture('crlf.csv'), input);
    return input;
  }

  test('--out equal to the input file is refused, with or without --force; the input is unchanged', async (t) => {
    const dir = tempDir(t);
    const input = copyInput(dir);
    assertCleanError(await audit(input, ['--no-model', '--out', input]), /refusing to overwrite an input file/);
    assertCleanError(await audit(input, ['--no-model', '--out', input, '--force']), /refusing to overwrite an input file/);
    // The same file by another spelling, and through a symbolic link.
    const otherSpelling = path.join(dir, '.', 'sub', '..', 'input.csv');
    mkdirSync(path.join(dir, 'sub'));
    assertCleanError(await audit(input, ['--no-model', '--out', otherSpelling, '--force']), /refusing to overwrite an input file/);
    const link = path.join(dir, 'link.csv');
    symlinkSync(input, link);
    assertCleanError(await audit(input, ['--no-model', '--out', link, '--force']), /refusing to overwrite an input file/);
    assert.deepEqual(readFileSync(input), readFileSync(fixture('crlf.csv')));
  });

  test('--emit-clean and --quarantine over the input are refused', async (t) => {
    const dir = tempDir(t);
    const input = copyInput(dir);
    assertCleanError(await audit(input, ['--no-model', '--format', 'json', '--out', path.join(dir, 'r.json'), '--emit-clean', input, '--force']), /refusing to overwrite an input file/);
    assertCleanError(await audit(input, ['--no-model', '--format', 'json', '--out', path.join(dir, 'r2.json'), '--quarantine', input, '--force']), /refusing to overwrite an input file/);
    assert.deepEqual(readFileSync(input), readFileSync(fixture('crlf.csv')));
  });

  test('an existing --out without --force is refused and left as it was', async (t) => {
    const dir = tempDir(t);
    const input = copyInput(dir);
    const out = path.join(dir, 'report.json');
    writeFileSync(out, 'keep me\n');
    const before = fingerprint(out);
    assertCleanError(await audit(input, ['--no-model', '--format', 'json', '--out', out]), /already exists \(use --force to overwrite it\)/);
    assert.equal(fingerprint(out), before);
  });

  test('with --force an existing --out is replaced atomically (a new file renamed over it, no temporary left)', async (t) => {
    const dir = tempDir(t);
    const input = copyInput(dir);
    const out = path.join(dir, 'report.json');
    writeFileSync(out, 'old\n');
    const witness = path.join(dir, 'witness.json');
    linkSync(out, witness); // a second name for the old file: an in-place rewrite would change it too
    const oldInode = statSync(out).ino;
    const result = await audit(input, ['--no-model', '--format', 'json', '--out', out, '--force']);
    assertNoStackTrace(result);
    assert.ok(result.code === 0 || result.code === 1, describeResult(result));
    assert.equal(result.stdout, '', 'the report goes to the file, not to stdout');
    const written = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number };
    assert.equal(written.schemaVersion, 1);
    assert.equal(readFileSync(witness, 'utf8'), 'old\n', 'the old file was replaced, not rewritten in place');
    assert.notEqual(statSync(out).ino, oldInode);
    assert.deepEqual(readdirSync(dir).sort(), ['input.csv', 'report.json', 'witness.json'], 'no temporary file left');
  });

  test('a new --out is created; --out in a missing folder is a clean error', async (t) => {
    const dir = tempDir(t);
    const input = copyInput(dir);
    const out = path.join(dir, 'new.json');
    const result = await audit(input, ['--no-model', '--format', 'json', '--out', out]);
    assert.ok(result.code === 0 || result.code === 1, describeResult(result));
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number }).schemaVersion, 1);
    assertCleanError(await audit(input, ['--no-model', '--out', path.join(dir, 'missing', 'r.json')]), /missing/);
    assert.ok(!existsSync(path.join(dir, 'missing')));
  });

  test(
    '--out naming a folder writes a dated report inside it (as --help says)',
    async (t) => {
      const dir = tempDir(t);
      const input = copyInput(dir);
      const folder = path.join(dir, 'reports');
      mkdirSync(folder);
      const result = await audit(input, ['--no-model', '--format', 'json', '--out', folder]);
      assert.ok(result.code === 0 || result.code === 1, describeResult(result));
      const files = readdirSync(folder);
      // A dated report and the dataset's -latest copy.
      assert.equal(files.length, 2, files.join(', '));
      const dated = files.find((name) => !name.includes('-latest'))!;
      assert.match(dated, /-\d{8}T\d{6}Z\.json$/);
      assert.equal((JSON.parse(readFileSync(path.join(folder, dated), 'utf8')) as { schemaVersion: number }).schemaVersion, 1);
    },
  );

  test('stdout stays clean of progress when stderr is not a terminal', async () => {
    const result = await runCli([fixture('crlf.csv'), '--format', 'json', '--no-model']);
    assertJsonReport(result);
  });
});
