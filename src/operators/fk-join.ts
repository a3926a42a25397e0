import { createHash } from 'node:crypto';
import { StreamsConfig } from '../config/streams-config.js';
import { ConfigError } from '../errors/streams-error.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Serde } from '../serde/serde.js';
import { Serdes } from '../serde/serdes.js';
import type { KeyValueIterator } from '../state/state-store.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { log } from '../util/logger.js';
import { runMaybe } from '../util/maybe-coroutine.js';
import type { Change } from './change.js';
import { droppedRecords } from './emit-final.js';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.js';

/*
 * The foreign-key table join (Java's KIP-213 design): the left table subscribes each row to the right row
 * its foreign key names, through a subscription topic partitioned like the right table; the right side keeps
 * the subscriptions in a store, answers each with the right value, and answers again whenever that right
 * row changes, through a response topic partitioned like the left table; there the answer is joined with
 * the left row as it is now, unless the row changed since it subscribed (the answer carries a hash of the
 * left value it answers). The internal topics carry bytes written and read here.
 */

/** What the right side does with a subscription (Java's `SubscriptionWrapper.Instruction`). */
export enum Instruction {
  /** The left row went away: drop the subscription and retract the result. */
  DELETE_KEY_AND_PROPAGATE = 0,
  /** The left row moved to another foreign key: drop the subscription, nothing to say. */
  DELETE_KEY_NO_PROPAGATE = 1,
  /** Answer even when the right row is missing (left joins, and inner joins that may have to retract). */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE = 2,
  /** Answer only when the right row exists (inner joins of a new left row). */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE = 3,
}

const VERSION = 0;

/** A subscription: [version][instruction][1 if hash][16-byte hash]?[primary key bytes]. */
export interface Subscription {
  readonly instruction: Instruction;
  readonly hash: Buffer | null;
  readonly primaryKey: Buffer;
}

export function encodeSubscription(s: Subscription): Buffer {
  const head = Buffer.from([VERSION, s.instruction, s.hash === null ? 0 : 1]);
  return Buffer.concat(s.hash === null ? [head, s.primaryKey] : [head, s.hash, s.primaryKey]);
}

export function decodeSubscription(b: Buffer): Subscription {
  const hasHash = b[2] === 1;
  return { instruction: b[1] as Instruction, hash: hasHash ? b.subarray(3, 19) : null, primaryKey: b.subarray(hasHash ? 19 : 3) };
}

/** A response: [version][1 if hash][16-byte hash]?[1 if value][right value bytes]?. */
interface Response {
  readonly hash: Buffer | null;
  readonly foreignValue: Buffer | null;
}

function encodeResponse(r: Response): Buffer {
  const parts: Buffer[] = [Buffer.from([VERSION, r.hash === null ? 0 : 1])];
  if (r.hash !== null) parts.push(r.hash);
  parts.push(Buffer.from([r.foreignValue === null ? 0 : 1]));
  if (r.foreignValue !== null) parts.push(r.foreignValue);
  return Buffer.concat(parts);
}

function decodeResponse(b: Buffer): Response {
  let at = 2;
  const hash = b[1] === 1 ? b.subarray(at, (at += 16)) : null;
  const foreignValue = b[at] === 1 ? b.subarray(at + 1) : null;
  return { hash, foreignValue };
}

/** The subscription store's key: [4-byte foreign key length][foreign key][primary key], scannable by foreign key. */
function combinedKey(foreignKey: Buffer, primaryKey: Buffer): Buffer {
  const len = Buffer.allocUnsafe(4);
  len.writeInt32BE(foreignKey.length, 0);
  return Buffer.concat([len, foreignKey, primaryKey]);
}

function foreignKeyPrefix(foreignKey: Buffer): Buffer {
  const len = Buffer.allocUnsafe(4);
  len.writeInt32BE(foreignKey.length, 0);
  return Buffer.concat([len, foreignKey]);
}

function primaryKeyOf(combined: Buffer): Buffer {
  return combined.subarray(4 + combined.readInt32BE(0));
}

/** The hash of a left value as the response carries it: md5 of its bytes (any stable 128-bit hash would do). */
function valueHash(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : createHash('md5').update(bytes).digest();
}

function sameHash(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** The serdes of the join, explicit or the config's defaults (resolved when a processor starts). */
export interface FkJoinSerdes {
  readonly leftKey: Serde<unknown> | null;
  readonly leftValue: Serde<unknown> | null;
  readonly rightKey: Serde<unknown> | null;
  readonly rightValue: Serde<unknown> | null;
}

function resolve(ctx: ProcessorContext<any, any>, serde: Serde<unknown> | null, which: 'key' | 'value', what: string): Serde<unknown> {
  const config = new StreamsConfig(ctx.appConfigs());
  const s = serde ?? (which === 'key' ? config.defaultKeySerde() : config.defaultValueSerde());
  if (s === null) throw new ConfigError(`the foreign-key join has no ${what} serde: give the tables serdes or set 'default.${which}.serde'`);
  return s;
}

function ser(serde: Serde<unknown>, topic: string, v: unknown): Buffer | null {
  return v === null || v === undefined ? null : serde.serializer().serialize(topic, v);
}

function warnDropped(ctx: ProcessorContext<any, any>, why: string): void {
  const m = ctx.recordMetadata();
  log.warn(`Skipping record due to ${why}. topic=[${m?.topic()}] partition=[${m?.partition()}] offset=[${m?.offset()}]`);
  droppedRecords(ctx).record();
}

/**
 * Java's `SubscriptionSendProcessorSupplier`: on each change of a left row, subscribes it to its foreign key
 * (records keyed by the foreign key's bytes), and unsubscribes it from the foreign key it had before.
 * A left join subscribes a row without foreign key too (null key: answered at once with no right value); an
 * inner join drops it (counted), retracting what the row joined before.
 */
export function subscriptionSend<K, V, KO>(
  foreignKeyExtractor: (key: K, value: V) => KO | null,
  leftJoin: boolean,
  serdes: FkJoinSerdes,
  topic: string,
): () => Processor<K, Change<V>, Buffer | null, Buffer> {
  return () => {
    let ctx: ProcessorContext<Buffer | null, Buffer>;
    let keySerde: Serde<unknown>;
    let valueSerde: Serde<unknown>;
    let fkSerde: Serde<unknown>;
    return {
      init(c) {
        ctx = c;
        keySerde = resolve(c, serdes.leftKey, 'key', 'left key');
        valueSerde = resolve(c, serdes.leftValue, 'value', 'left value');
        fkSerde = resolve(c, serdes.rightKey, 'key', 'foreign key');
      },
      process(r: Record<K, Change<V>>) {
        return runMaybe(
          (function* () {
            const { newValue, oldValue } = r.value;
            const primaryKey = ser(keySerde, topic, r.key)!;
            const send = (fk: Buffer | null, instruction: Instruction, hash: Buffer | null) =>
              ctx.forward(r.withKey(fk).withValue(encodeSubscription({ instruction, hash, primaryKey })));
            const newFk = newValue === null ? null : ser(fkSerde, topic, foreignKeyExtractor(r.key, newValue));
            const oldFk = oldValue === null ? null : ser(fkSerde, topic, foreignKeyExtractor(r.key, oldValue));
            const hash = newValue === null ? null : valueHash(ser(valueSerde, topic, newValue));
            if (leftJoin) {
              // every row has a result: a row without foreign key is answered with no right value
              if (oldValue !== null && oldFk !== null && (newFk === null || !oldFk.equals(newFk))) {
                yield send(oldFk, newValue === null ? Instruction.DELETE_KEY_AND_PROPAGATE : Instruction.DELETE_KEY_NO_PROPAGATE, hash);
                if (newValue === null) return;
              }
              if (newValue === null) {
                if (oldValue !== null) yield send(oldFk, Instruction.DELETE_KEY_AND_PROPAGATE, null);
                return;
              }
              yield send(newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, hash);
              return;
            }
            // inner join: a row without foreign key has no result (dropped and counted), but one that had a
            // result must retract it
            if (oldValue !== null) {
              if (oldFk === null) {
                if (newFk === null) return warnDropped(ctx, 'null foreign key');
              } else if (newFk === null) {
                yield send(oldFk, Instruction.DELETE_KEY_AND_PROPAGATE, hash);
                return;
              } else if (!oldFk.equals(newFk)) {
                yield send(oldFk, Instruction.DELETE_KEY_NO_PROPAGATE, hash);
              }
              if (newFk !== null) {
                // an update may have to unset the result the row had: answer even without right value
                yield send(newFk, oldFk === null ? Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE : Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, hash);
              }
              return;
            }
            if (newValue === null) return;
            if (newFk === null) return warnDropped(ctx, 'null foreign key');
            yield send(newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, hash);
          })(),
        );
      },
    };
  };
}

/** What the subscription receiver hands to the right-value lookup (within one task, never serialized). */
export interface ReceivedSubscription {
  readonly foreignKey: Buffer | null;
  readonly subscription: Subscription;
}

/**
 * Java's `SubscriptionReceiveProcessorSupplier`: keeps each subscription in the subscription store (deleted
 * by the DELETE instructions) and passes it on to be answered.
 */
export function subscriptionReceive(storeName: string): () => Processor<Buffer | null, Buffer, Buffer | null, ReceivedSubscription> {
  return () => {
    let ctx: ProcessorContext<Buffer | null, ReceivedSubscription>;
    let store: TimestampedKeyValueStore<Buffer, Buffer>;
    return {
      init(c) {
        ctx = c;
        store = c.getStateStore(storeName);
      },
      process(r: Record<Buffer | null, Buffer>) {
        if (r.value === null || r.value === undefined) return warnDropped(ctx, 'null subscription');
        const subscription = decodeSubscription(r.value);
        const foreignKey = r.key;
        return runMaybe(
          (function* () {
            if (foreignKey !== null && foreignKey !== undefined) {
              const key = combinedKey(foreignKey, subscription.primaryKey);
              const del = subscription.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || subscription.instruction === Instruction.DELETE_KEY_NO_PROPAGATE;
              yield store.put(key, del ? null : ValueAndTimestamp.make(r.value, r.timestamp));
            }
            yield ctx.forward(r.withValue({ foreignKey: foreignKey ?? null, subscription }));
          })(),
        );
      },
    };
  };
}

/**
 * Java's `SubscriptionJoinProcessorSupplier`: answers a subscription with the right row's current value
 * (records keyed by the primary key's bytes, for the response topic).
 */
export function subscriptionJoinForeign<KO, VO>(rightGetter: KTableValueGetterSupplier<KO, VO>, serdes: FkJoinSerdes, topic: string): () => Processor<Buffer | null, ReceivedSubscription, Buffer, Buffer> {
  return () => {
    let ctx: ProcessorContext<Buffer, Buffer>;
    let getter: KTableValueGetter<KO, VO>;
    let fkSerde: Serde<unknown>;
    let valueSerde: Serde<unknown>;
    return {
      init(c) {
        ctx = c;
        getter = rightGetter.get();
        getter.init(c);
        fkSerde = resolve(c, serdes.rightKey, 'key', 'foreign key');
        valueSerde = resolve(c, serdes.rightValue, 'value', 'right value');
      },
      process(r: Record<Buffer | null, ReceivedSubscription>) {
        const { foreignKey, subscription } = r.value;
        const respond = (foreignValue: Buffer | null) =>
          ctx.forward(r.withKey(subscription.primaryKey).withValue(encodeResponse({ hash: subscription.hash, foreignValue })));
        switch (subscription.instruction) {
          case Instruction.DELETE_KEY_NO_PROPAGATE:
            return;
          case Instruction.DELETE_KEY_AND_PROPAGATE:
            return respond(null);
        }
        return runMaybe(
          (function* () {
            const found =
              foreignKey === null ? null : ((yield getter.get(fkSerde.deserializer().deserialize(topic, foreignKey) as KO)) as ValueAndTimestamp<VO> | null);
            if (found === null && subscription.instruction === Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE) return;
            yield respond(found === null ? null : ser(valueSerde, topic, found.value));
          })(),
        );
      },
    };
  };
}

/**
 * Java's `ForeignTableJoinProcessorSupplier`: when a right row changes, answers again every subscription
 * to it (a prefix scan of the subscription store), with the new value or null.
 */
export function foreignTableJoin<KO, VO>(storeName: string, serdes: FkJoinSerdes, topic: string): () => Processor<KO, Change<VO>, Buffer, Buffer> {
  return () => {
    let ctx: ProcessorContext<Buffer, Buffer>;
    let store: TimestampedKeyValueStore<Buffer, Buffer>;
    let fkSerde: Serde<unknown>;
    let valueSerde: Serde<unknown>;
    return {
      init(c) {
        ctx = c;
        store = c.getStateStore(storeName);
        fkSerde = resolve(c, serdes.rightKey, 'key', 'foreign key');
        valueSerde = resolve(c, serdes.rightValue, 'value', 'right value');
      },
      process(r: Record<KO, Change<VO>>) {
        if (r.key === null || r.key === undefined) return warnDropped(ctx, 'null key');
        const foreignValue = ser(valueSerde, topic, r.value.newValue);
        const prefix = foreignKeyPrefix(ser(fkSerde, topic, r.key)!);
        return runMaybe(
          (function* () {
            const it = (yield store.prefixScan(prefix, Serdes.ByteArray().serializer())) as KeyValueIterator<Buffer, ValueAndTimestamp<Buffer>>;
            try {
              while ((yield it.hasNext()) as boolean) {
                const entry = (yield it.next()) as { key: Buffer; value: ValueAndTimestamp<Buffer> };
                const subscription = decodeSubscription(entry.value.value);
                yield ctx.forward(r.withKey(primaryKeyOf(entry.key)).withValue(encodeResponse({ hash: subscription.hash, foreignValue })));
              }
            } finally {
              yield it.close();
            }
          })(),
        );
      },
    };
  };
}

/**
 * Java's `ResponseJoinProcessorSupplier`: joins an answer with the left row as it is now, if the answer is for
 * that version of the row (same hash); a stale answer is dropped. An inner join without right value, or a
 * deleted left row, gives a tombstone. Forwards `joiner(left, right)` keyed by the primary key.
 */
export function responseJoin<K, V, VO, VR>(
  leftGetter: KTableValueGetterSupplier<K, V>,
  joiner: (value: V, foreignValue: VO | null) => VR,
  leftJoin: boolean,
  serdes: FkJoinSerdes,
  topic: string,
): () => Processor<Buffer, Buffer, K, VR | null> {
  return () => {
    let ctx: ProcessorContext<K, VR | null>;
    let getter: KTableValueGetter<K, V>;
    let keySerde: Serde<unknown>;
    let valueSerde: Serde<unknown>;
    let rightValueSerde: Serde<unknown>;
    return {
      init(c) {
        ctx = c;
        getter = leftGetter.get();
        getter.init(c);
        keySerde = resolve(c, serdes.leftKey, 'key', 'left key');
        valueSerde = resolve(c, serdes.leftValue, 'value', 'left value');
        rightValueSerde = resolve(c, serdes.rightValue, 'value', 'right value');
      },
      process(r: Record<Buffer, Buffer>) {
        const response = decodeResponse(r.value);
        const key = keySerde.deserializer().deserialize(topic, r.key) as K;
        return runMaybe(
          (function* () {
            const current = (yield getter.get(key)) as ValueAndTimestamp<V> | null;
            const currentHash = current === null ? null : valueHash(ser(valueSerde, topic, current.value));
            if (!sameHash(response.hash, currentHash)) return;
            const foreignValue = response.foreignValue === null ? null : (rightValueSerde.deserializer().deserialize(topic, response.foreignValue) as VO);
            const result = current === null || (foreignValue === null && !leftJoin) ? null : joiner(current.value, foreignValue);
            yield ctx.forward(r.withKey(key).withValue(result));
          })(),
        );
      },
    };
  };
}
