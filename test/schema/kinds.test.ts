// Column kinds beyond numbers and categories: free text, dates and timestamps, digit codes (issue 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema, type Schema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import duplicateRows from '../../rules/duplicate-rows.js';
import { csvText, datasetFromCsv, runRuleOn } from '../fixtures.js';
import { Random } from '../../src/util/random.js';

const corpus = (name: string): string => fileURLToPath(new URL(`../fixtures/realworld/${name}`, import.meta.url));

function kinds(schema: Schema): Record<string, string> {
  return Object.fromEntries(schema.columns.map((c) => [c.name, c.kind]));
}

function names(schema: Schema, indexes: readonly number[]): string[] {
  return indexes.map((i) => schema.columns[i].name);
}

async function schemaOf(text: string, label = 'label'): Promise<Schema> {
  return (await datasetFromCsv(text, { label })).schema;
}

const WORDS = ['call', 'me', 'later', 'the', 'meeting', 'is', 'at', 'noon', 'see', 'you', 'soon', 'ok', 'thanks', 'for', 'lunch'];

function sentences(n: number, seed: number): string[] {
  const random = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length: 4 + random.int(8) }, () => WORDS[random.int(WORDS.length)]).join(' '));
}

test('free text (mostly distinct, words with spaces) is its own kind: not a model feature, part of the record', async () => {
  const messages = sentences(200, 1);
  messages[50] = messages[10]; // a message sent twice
  const schema = await schemaOf(csvText(['message', 'n', 'label'], messages.map((m, i) => [m, i % 7, i % 2])));
  assert.equal(kinds(schema).message, 'free-text');
  assert.deepEqual(names(schema, schema.featureColumns), ['n']);
  assert.deepEqual(names(schema, schema.recordColumns), ['message', 'n']);
});

test('names (single words, nearly all distinct, one repeated) are free text, not an identifier', async () => {
  const random = new Random(2);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const animals = Array.from({ length: 100 }, () => Array.from({ length: 4 + random.int(6) }, () => letters[random.int(26)]).join(''));
  animals[70] = animals[3];
  const dataset = await datasetFromCsv(csvText(['animal_name', 'legs', 'label'], animals.map((a, i) => [a, i % 4, i % 3])), { label: 'label' });
  assert.equal(kinds(dataset.schema).animal_name, 'free-text');
  const findings = runRuleOn(duplicateRows, dataset, null).findings;
  assert.equal(findings.filter((f) => f.column === 'animal_name').length, 0, 'a repeated name is no repeated identifier');
});

test('keys with digits or underscores, nearly all distinct, stay identifiers; the same in a column named as a name are names', async () => {
  const ids = Array.from({ length: 100 }, (_, i) => `AB${i}_X`);
  ids[40] = ids[39];
  assert.equal(kinds(await schemaOf(csvText(['key', 'label'], ids.map((id, i) => [id, i % 2])))).key, 'identifier');
  const named = kinds(await schemaOf(csvText(['Sequence_Name', 'name', 'label'], ids.map((id, i) => [id, `${id}a`, i % 2]))));
  assert.deepEqual([named.Sequence_Name, named.name], ['free-text', 'free-text']);
});

test('timestamps strictly increasing: datetime, a row order, neither feature nor identifier; a repeated one is no finding', async () => {
  const start = Date.UTC(2015, 1, 4, 17, 51);
  const stamps = Array.from({ length: 120 }, (_, i) => new Date(start + i * 60000).toISOString().replace('T', ' ').slice(0, 19));
  stamps[60] = stamps[59]; // one repeated stamp (no longer strictly increasing, still 99% distinct)
  const dataset = await datasetFromCsv(csvText(['date', 'co2', 'label'], stamps.map((s, i) => [s, 400 + (i % 13), i % 2])), { label: 'label' });
  const date = dataset.schema.columns.find((c) => c.name === 'date')!;
  assert.equal(date.kind, 'datetime');
  assert.equal(date.feature, false);
  assert.deepEqual(names(dataset.schema, dataset.schema.featureColumns), ['co2']);
  assert.deepEqual(names(dataset.schema, dataset.schema.recordColumns), ['co2']);
  assert.deepEqual(runRuleOn(duplicateRows, dataset, null).findings.filter((f) => f.column === 'date'), []);
});

test('common date formats are dates; dates that repeat (a day of many rows) are a feature', async () => {
  const formats: ((d: Date) => string)[] = [
    (d) => d.toISOString().slice(0, 10),
    (d) => d.toISOString(),
    (d) => d.toISOString().slice(0, 16),
    (d) => `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    (d) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`,
    (d) => `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} 10:30`,
    (d) => `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`,
    (d) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`,
    (d) => `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`,
  ];
  for (const format of formats) {
    const days = Array.from({ length: 200 }, (_, i) => format(new Date(Date.UTC(2020, 0, 1 + (i % 40)))));
    const schema = await schemaOf(csvText(['day', 'label'], days.map((d, i) => [d.includes(',') ? `"${d}"` : d, i % 2])));
    const day = schema.columns.find((c) => c.name === 'day')!;
    assert.equal(day.kind, 'datetime', days[0]);
    assert.equal(day.feature, true, days[0]);
  }
});

test('not dates: impossible months and days, version numbers, plain words', async () => {
  for (const values of [['2020-13-01', '2020-14-02'], ['31/31/2020', '32/01/2020'], ['1.2.3', '2.0.1'], ['spring', 'fall']]) {
    const cells = Array.from({ length: 40 }, (_, i) => values[i % 2]);
    assert.notEqual(kinds(await schemaOf(csvText(['v', 'label'], cells.map((v, i) => [v, i % 2])))).v, 'datetime', values[0]);
  }
});

test('zero-padded digit codes: kind code, a feature compared by value; all distinct, an identifier', async () => {
  const codes = Array.from({ length: 200 }, (_, i) => ['00000', '03111', '02208', '11300', '03205'][i % 5]);
  const schema = await schemaOf(csvText(['lesion', 'label'], codes.map((c, i) => [c, i % 2])));
  assert.equal(kinds(schema).lesion, 'code');
  assert.deepEqual(names(schema, schema.featureColumns), ['lesion']);
  const ids = Array.from({ length: 200 }, (_, i) => String(i).padStart(6, '0'));
  assert.equal(kinds(await schemaOf(csvText(['account', 'label'], ids.map((c, i) => [c, i % 2])))).account, 'identifier');
});

test('a numeric column with text cells says so in its reason', async () => {
  const rows = Array.from({ length: 100 }, (_, i) => [i === 7 ? 'unknown' : 20 + (i % 30), i % 2]);
  const age = (await schemaOf(csvText(['age', 'label'], rows))).columns.find((c) => c.name === 'age')!;
  assert.equal(age.kind, 'numeric');
  assert.match(age.reason, /1 text cell .*'unknown'.*read as missing/);
});

test('corpus: occupancy timestamps and row names, zoo names, sms messages, horse-colic and crx codes, yeast names', async () => {
  const load = async (name: string, label: string): Promise<Schema> => {
    const table = await loadTable(corpus(name));
    const schema = inferSchema(table, { label });
    new DatasetIndexes(table, schema);
    return schema;
  };
  const occupancy = kinds(await load('occupancy-head.csv.gz', 'Occupancy'));
  assert.deepEqual([occupancy.id, occupancy.date, occupancy.CO2], ['identifier', 'datetime', 'numeric']);
  assert.equal(kinds(await load('zoo.csv.gz', 'type')).animal_name, 'free-text');
  assert.equal(kinds(await load('sms-spam-collection-head.tsv.gz', 'class')).message, 'free-text');
  const horse = kinds(await load('horse-colic.csv.gz', 'surgical_lesion'));
  assert.deepEqual([horse.type_of_lesion_1, horse.type_of_lesion_2, horse.hospital_number], ['code', 'code', 'numeric']);
  const crx = kinds(await load('crx.csv.gz', 'A16'));
  assert.deepEqual([crx.A11, crx.A14, crx.A2], ['code', 'code', 'numeric']);
  assert.equal(kinds(await load('yeast.csv.gz', 'localization_site')).Sequence_Name, 'free-text');
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
