// The Avro serde's wire format and schema handling, without a registry (test/integration/topologies-avro.test.ts
// runs it against a real Confluent-compatible registry).
import { readdirSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/index.js';
import { schemasDirectory, loadSchema } from '../../src/serde/avro-schemas.js';
import { AvroSerde, AvroSerdes, MAGIC_BYTE, decodeWireFormat, encodeWireFormat } from '../../src/serde/avro-serdes.js';
import { TOPOLOGIES, orderStatesOf } from '../../topologies/index.js';
import type { OrderState } from '../../topologies/records.js';

const state: OrderState = {
  orderId: 'ORD-1',
  parentOrderId: null,
  account: 'ACC-1',
  symbol: 'AAPL',
  side: 'BUY',
  quantity: 100,
  filledQuantity: 40,
  averagePrice: 189.25,
  status: 'PARTIALLY_FILLED',
  fillCount: 2,
  lastEventTime: 1_700_000_000_123,
};

describe('Avro serde (Confluent wire format)', () => {
  const type = avro.Type.forSchema(loadSchema('order-state'));

  it('writes magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary encoding', () => {
    const bytes = new AvroSerde<OrderState>(type, 0x01020304).serializer().serialize('order-state', state)!;
    expect(bytes[0]).toBe(MAGIC_BYTE);
    expect([...bytes.subarray(1, 5)]).toEqual([1, 2, 3, 4]);
    expect(bytes.subarray(5)).toEqual(type.toBuffer(state));
    expect(decodeWireFormat('t', bytes)).toEqual({ schemaId: 0x01020304, payload: type.toBuffer(state) });
    expect(encodeWireFormat(0x01020304, type.toBuffer(state))).toEqual(bytes);
  });

  it('round-trips values; null stays null (tombstones)', () => {
    const serde = new AvroSerde<OrderState>(type, 7);
    const bytes = serde.serializer().serialize('order-state', state);
    expect({ ...serde.deserializer().deserialize('order-state', bytes) }).toEqual(state);
    expect(serde.serializer().serialize('order-state', null)).toBeNull();
    expect(serde.deserializer().deserialize('order-state', null)).toBeNull();
  });

  it('reads records written with another version of the schema into its own (Avro schema resolution)', () => {
    const v2Schema = { ...(loadSchema('order-state') as object), fields: [...(loadSchema('order-state') as { fields: object[] }).fields, { name: 'venue', type: 'string', default: 'XNAS' }] };
    const v2 = avro.Type.forSchema(v2Schema as avro.Schema);
    const written = new AvroSerde(v2, 2).serializer().serialize('order-state', { ...state, venue: 'XNYS' });
    const reader = new AvroSerde<OrderState>(type, 1, new Map([[1, type], [2, v2]]));
    expect({ ...reader.deserializer().deserialize('order-state', written) }).toEqual(state);
  });

  it('names what is wrong: an invalid field, bytes that are not Avro-framed, an unknown schema id', () => {
    const serde = new AvroSerde<unknown>(type, 1);
    expect(() => serde.serializer().serialize('order-state', { ...state, quantity: 'ten' })).toThrow(/order-state.*invalid field quantity \("ten" is not a valid long\)/);
    expect(() => serde.deserializer().deserialize('order-state', Buffer.from('{"orderId":"x"}'))).toThrow(SerializationError);
    expect(() => serde.deserializer().deserialize('order-state', Buffer.from('{"orderId":"x"}'))).toThrow(/not in the Confluent wire format.*Was it written as JSON/);
    const other = encodeWireFormat(99, type.toBuffer(state));
    expect(() => serde.deserializer().deserialize('order-state', other)).toThrow(/schema id 99, which is not a version of this topic's subject/);
  });

  it('rejects a bad schema.registry.url before any request', () => {
    expect(() => AvroSerdes.fromConfig({})).toThrow(/Missing configuration "schema.registry.url"/);
    expect(() => AvroSerdes.fromConfig({ 'schema.registry.url': 'not a url' })).toThrow(/Invalid schema.registry.url "not a url"/);
  });
});

describe('the Avro schemas (schemas/*.avsc)', () => {
  const names = readdirSync(schemasDirectory()).filter((f) => f.endsWith('.avsc')).map((f) => f.replace(/\.avsc$/, ''));

  it('cover every record of DOMAIN.md and the seed-004 raw event envelope', () => {
    expect(names.sort()).toEqual(['fill', 'order-anomaly', 'order-decision', 'order-event', 'order-state', 'parent-order-state', 'raw-order-event', 'saga-answer']);
    for (const n of names) expect(() => avro.Type.forSchema(loadSchema(n))).not.toThrow();
  });

  it('the raw envelope has event_id, event_type, event_ts, order_id, a payload union and schema_version', () => {
    const raw = avro.Type.forSchema(loadSchema('raw-order-event'), { wrapUnions: true }) as avro.types.RecordType;
    expect(raw.fields.map((f) => f.name)).toEqual(['event_id', 'event_type', 'event_ts', 'order_id', 'payload', 'schema_version']);
    const event = {
      event_id: '0b6d7d4c-3f55-4a39-9b9e-4d1c0f1b2c3d',
      event_type: 'ORDER_FILLED',
      event_ts: 1_700_000_000_000,
      order_id: 'ORD-1',
      payload: { 'io.kstreams.orders.raw.OrderFilled': { fill_id: 'F-1', quantity: 10, price: 189.5 } },
      schema_version: 1,
    };
    expect(raw.isValid(event)).toBe(true);
    expect(raw.fromBuffer(raw.toBuffer(event))).toEqual(raw.clone(event));
  });

  it("match the JSON records the topologies read and write (every generated input and every output validates)", async () => {
    const orderEvent = avro.Type.forSchema(loadSchema('order-event'));
    const fill = avro.Type.forSchema(loadSchema('fill'));
    const orderState = avro.Type.forSchema(loadSchema('order-state'));
    const records = await TOPOLOGIES['order-fill']!.sample({ count: 60, seed: 11 });
    for (const r of records) expect((r.topic === 'orders' ? orderEvent : fill).isValid(r.value), JSON.stringify(r.value)).toBe(true);
    for (const s of await orderStatesOf(records)) expect(orderState.isValid(s.value), JSON.stringify(s.value)).toBe(true);
  });
});
