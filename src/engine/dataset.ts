/** One loaded file as the rules and the model stage see it: its table, schema and shared indexes. */
import type { Schema } from '../schema/schema.js';
import type { Table } from '../table/table.js';
import type { DatasetIndexes } from './indexes.js';

export interface Dataset {
  readonly table: Table;
  readonly schema: Schema;
  readonly indexes: DatasetIndexes;
}
