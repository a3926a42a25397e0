import { describe, expect, it } from 'vitest';
import {
  KafkaClientError,
  KafkaTimeoutError,
  OffsetOutOfRangeError,
  ProducerFencedError,
  RebalanceInProgressError,
  UnknownMemberIdError,
  UnknownTopicError,
} from '../../src/kafka/errors.js';
import { isKafkaJsRebalance, toPortError } from '../../src/kafka/kafkajs-errors.js';

/** An error shaped like kafkajs's (name, type, retriable, cause), without importing kafkajs. */
function kjs(name: string, fields: { type?: string; retriable?: boolean; cause?: unknown; message?: string; topic?: string; partition?: number } = {}) {
  return Object.assign(new Error(fields.message ?? `${name} ${fields.type ?? ''}`), { name, ...fields });
}

describe('kafkajs error mapping', () => {
  it('finds the protocol error anywhere in the cause chain', () => {
    const protocol = kjs('KafkaJSProtocolError', { type: 'INVALID_PRODUCER_EPOCH', retriable: false });
    const wrapped = kjs('KafkaJSNonRetriableError', { cause: protocol });
    const mapped = toPortError(wrapped, 'commit');
    expect(mapped).toBeInstanceOf(ProducerFencedError);
    expect((mapped as ProducerFencedError).code).toBe('PRODUCER_FENCED');
    expect((mapped as Error).cause).toBe(wrapped);
    expect((mapped as Error).message).toMatch(/^commit: /);
  });

  it('recognises PRODUCER_FENCED (code 90), unknown to kafkajs', () => {
    const unknown = kjs('KafkaJSProtocolError', { type: 'KAFKAJS_UNKNOWN_ERROR_CODE', message: 'Unknown error code 90' });
    const mapped = toPortError(unknown, 'end txn') as ProducerFencedError;
    expect(mapped).toBeInstanceOf(ProducerFencedError);
    expect(mapped.kafkaErrorType).toBe('PRODUCER_FENCED');
  });

  it('maps group, topic, offset and timeout errors', () => {
    expect(toPortError(kjs('KafkaJSProtocolError', { type: 'REBALANCE_IN_PROGRESS' }), 'x')).toBeInstanceOf(RebalanceInProgressError);
    expect(toPortError(kjs('KafkaJSProtocolError', { type: 'ILLEGAL_GENERATION' }), 'x')).toBeInstanceOf(RebalanceInProgressError);
    expect(toPortError(kjs('KafkaJSProtocolError', { type: 'UNKNOWN_MEMBER_ID' }), 'x')).toBeInstanceOf(UnknownMemberIdError);
    expect(toPortError(kjs('KafkaJSNumberOfRetriesExceeded', { cause: kjs('KafkaJSProtocolError', { type: 'UNKNOWN_TOPIC_OR_PARTITION' }) }), 'x')).toBeInstanceOf(UnknownTopicError);
    const oor = toPortError(kjs('KafkaJSOffsetOutOfRange', { type: 'OFFSET_OUT_OF_RANGE', topic: 't', partition: 2 }), 'x') as OffsetOutOfRangeError;
    expect(oor).toBeInstanceOf(OffsetOutOfRangeError);
    expect([oor.topic, oor.partition]).toEqual(['t', 2]);
    expect(toPortError(kjs('KafkaJSRequestTimeoutError'), 'x')).toBeInstanceOf(KafkaTimeoutError);
  });

  it('wraps other kafkajs errors, keeping retriability, and leaves foreign errors alone', () => {
    const conn = toPortError(kjs('KafkaJSConnectionError', { retriable: true }), 'x') as KafkaClientError;
    expect(conn).toBeInstanceOf(KafkaClientError);
    expect(conn.retriable).toBe(true);
    // kafkajs says not retriable, but a restarting broker has no coordinator for a moment
    expect((toPortError(kjs('KafkaJSGroupCoordinatorNotFound', { retriable: false }), 'x') as KafkaClientError).retriable).toBe(true);
    const plain = new TypeError('bug');
    expect(toPortError(plain, 'x')).toBe(plain);
  });

  it('tells which errors make kafkajs rejoin', () => {
    expect(isKafkaJsRebalance(kjs('KafkaJSNonRetriableError', { cause: kjs('KafkaJSProtocolError', { type: 'REBALANCE_IN_PROGRESS' }) }))).toBe(true);
    expect(isKafkaJsRebalance(kjs('KafkaJSProtocolError', { type: 'UNKNOWN_MEMBER_ID' }))).toBe(true);
    expect(isKafkaJsRebalance(kjs('KafkaJSProtocolError', { type: 'NOT_LEADER_FOR_PARTITION' }))).toBe(false);
  });
});
