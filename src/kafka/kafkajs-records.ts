/** Conversions between the port's records and kafkajs's messages. */
import type { IHeaders, Message } from 'kafkajs';
import type { ConsumerRecord, ProducerRecord, RecordHeader, TopicPartition } from './client-port.js';
import { KafkaClientError } from './errors.js';

/** The fields of a fetched kafkajs message that records need. */
export interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, unknown>;
}

/** A message handed to kafkajs; `chosen` is the partition its partitioner picked (kafkajs-producer.ts). */
export interface OutgoingMessage extends Message {
  chosen?: number;
}

/** Shared by every record without headers (the port's headers are read-only). */
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/**
 * kafkajs decodes headers into an object (repeated keys become arrays), so for repeated keys the
 * relative order of different keys is lost: records come back grouped by key, first-seen key first.
 */
function toHeaders(headers: Record<string, unknown> | undefined): readonly RecordHeader[] {
  if (!headers) return NO_HEADERS;
  let out: RecordHeader[] | null = null;
  for (const key in headers) {
    if (!Object.hasOwn(headers, key)) continue;
    out ??= [];
    const value = headers[key];
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      out.push({ key, value: v == null ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v)) });
    }
  }
  return out ?? NO_HEADERS;
}

export function toConsumerRecord(topic: string, partition: number, m: FetchedMessage): ConsumerRecord {
  return {
    topic,
    partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: toHeaders(m.headers),
  };
}

export function toKafkaJsMessage(record: ProducerRecord): OutgoingMessage {
  // every field present (undefined when absent, which kafkajs treats as missing): one object shape, so
  // that kafkajs's per-message copies stay fast
  const message: OutgoingMessage = {
    key: record.key ?? null,
    value: record.value,
    partition: record.partition,
    timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
    headers: undefined,
    chosen: undefined,
  };
  if (record.headers && record.headers.length > 0) {
    // A prototype-less object, so that any header key (even "__proto__") is an ordinary entry.
    const headers = Object.create(null) as Record<string, Buffer[]>;
    for (const { key, value } of record.headers) {
      // Kafka allows null header values and kafkajs reads them, but its encoder cannot size them
      // (it crashes mid-request). Refuse clearly rather than silently write something else.
      if (value === null) {
        throw new KafkaClientError(`record for ${record.topic}: header "${key}" has a null value, which kafkajs cannot write`);
      }
      (headers[key] ??= []).push(value);
    }
    message.headers = headers as unknown as IHeaders;
  }
  return message;
}

/** Groups partitions by topic, keeping first-seen order. */
export function byTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = map.get(topic);
    if (list) {
      if (!list.includes(partition)) list.push(partition);
    } else map.set(topic, [partition]);
  }
  return map;
}
