import type { Deserializer, Serde, Serializer } from '../serde/serde.js';
import type { KeyValueIterator, KeyValueStore } from '../state/state-store.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';

/** One record of either side waiting in the outer-join store for its window to close. */
export interface WaitingRecord<K, VL, VR> {
  /** The store key, to delete the entry once emitted. */
  readonly storeKey: Buffer;
  readonly timestamp: number;
  readonly isLeftSide: boolean;
  readonly key: K;
  /** Every record waiting under this (time, side, key), in arrival order; each holds one side's value. */
  readonly values: ReadonlyArray<{ readonly left: VL | null; readonly right: VR | null }>;
}

/**
 * The store of a left/outer stream-stream join's records that found no partner yet (Java's shared
 * "outer join" store of `TimestampedKeyAndJoinSide` → list of `LeftOrRightValue`), over a bytes key-value
 * store. Keys are `[8-byte timestamp][1 byte: 1 left, 0 right][key bytes]`, so a scan returns the records
 * oldest first, at one time right side before left side, then by key bytes: the order in which Java emits
 * them once their windows close. Several records with the same time, side and key are kept as a list
 * (`[4-byte length][1 byte side][value bytes]` each); putting null deletes the whole list.
 */
export class OuterJoinStore<K, VL, VR> {
  private readonly topic: string;
  private readonly keySer: Serializer<K>;
  private readonly keyDes: Deserializer<K>;
  private readonly leftSer: Serializer<VL>;
  private readonly leftDes: Deserializer<VL>;
  private readonly rightSer: Serializer<VR>;
  private readonly rightDes: Deserializer<VR>;

  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    keySerde: Serde<K>,
    leftSerde: Serde<VL>,
    rightSerde: Serde<VR>,
  ) {
    this.topic = store.name();
    this.keySer = keySerde.serializer();
    this.keyDes = keySerde.deserializer();
    this.leftSer = leftSerde.serializer();
    this.leftDes = leftSerde.deserializer();
    this.rightSer = rightSerde.serializer();
    this.rightDes = rightSerde.deserializer();
  }

  storeKey(timestamp: number, isLeftSide: boolean, key: K): Buffer {
    const k = this.keySer.serialize(this.topic, key) ?? Buffer.alloc(0);
    const out = Buffer.allocUnsafe(9 + k.length);
    out.writeBigInt64BE(BigInt(timestamp), 0);
    out[8] = isLeftSide ? 1 : 0;
    k.copy(out, 9);
    return out;
  }

  /** Appends a record to the list under (time, side, key). */
  add(timestamp: number, isLeftSide: boolean, key: K, value: VL | VR): MaybePromise<void> {
    const storeKey = this.storeKey(timestamp, isLeftSide, key);
    const v = (isLeftSide ? this.leftSer.serialize(this.topic, value as VL) : this.rightSer.serialize(this.topic, value as VR)) ?? Buffer.alloc(0);
    const element = Buffer.allocUnsafe(5 + v.length);
    element.writeUInt32BE(v.length + 1, 0);
    element[4] = isLeftSide ? 1 : 0;
    v.copy(element, 5);
    return thenMaybe(this.store.get(storeKey), (old) => this.store.put(storeKey, old === null || old === undefined ? element : Buffer.concat([old, element])));
  }

  /** Deletes every record under the store key. */
  remove(storeKey: Buffer): MaybePromise<void> {
    return this.store.put(storeKey, null);
  }

  all(): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.store.all();
  }

  decode(storeKey: Buffer, list: Buffer): WaitingRecord<K, VL, VR> {
    const timestamp = Number(storeKey.readBigInt64BE(0));
    const isLeftSide = storeKey[8] === 1;
    const key = this.keyDes.deserialize(this.topic, storeKey.subarray(9)) as K;
    const values: Array<{ left: VL | null; right: VR | null }> = [];
    for (let at = 0; at < list.length; ) {
      const len = list.readUInt32BE(at);
      const left = list[at + 4] === 1;
      const bytes = list.subarray(at + 5, at + 4 + len);
      values.push(left ? { left: this.leftDes.deserialize(this.topic, bytes), right: null } : { left: null, right: this.rightDes.deserialize(this.topic, bytes) });
      at += 4 + len;
    }
    return { storeKey, timestamp, isLeftSide, key, values };
  }
}
