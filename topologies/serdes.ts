import { Serdes, type Serde } from '../src/index.js';

/**
 * The Avro schema (file `schemas/<name>.avsc`) of each record kind the topologies read or write. With
 * JSON the name only documents the record; with Avro it selects the schema.
 */
export type SchemaName =
  | 'order-event'
  | 'fill'
  | 'order-state'
  | 'order-anomaly'
  | 'parent-order-state'
  | 'saga-answer'
  | 'order-decision';

/**
 * Makes the value serde of a contract topic (a topology's input or output): JSON by default, Avro with a
 * schema registry when configured (src/serde/avro-serdes.ts). Internal topics and stores always use JSON.
 */
export type ValueSerdeFactory = <T>(schema: SchemaName, topic: string) => Serde<T>;

/** The default: `Serdes.Json()` for every record. */
export const jsonValueSerdes: ValueSerdeFactory = <T>() => Serdes.Json<T>();
