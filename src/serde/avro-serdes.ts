/**
 * Avro serdes in the Confluent wire format, with a Confluent-compatible schema registry.
 *
 * Wire format (as Confluent's `KafkaAvroSerializer`): magic byte `0`, the writer schema's registry id as a
 * 4-byte big-endian int, then the Avro binary encoding of the value.
 *
 * The registry is reached through `@kafkajs/confluent-schema-registry`; values are encoded and decoded
 * with `avsc`. Kafka Streams' serializers are synchronous while registry calls are not, so all registry
 * work happens up front, when a serde is made (`AvroSerdes.forTopic`, async):
 *  - the value schema is registered under the subject `<topic>-value` (TopicNameStrategy), or only looked
 *    up when `auto.register.schemas` is false;
 *  - every version already registered under the subject is loaded, so that records written with an
 *    older or newer compatible schema are decoded into the reader schema (Avro schema resolution).
 * Records written with a schema id that is not among those fail to deserialize with a message naming the
 * id (restart to load newly registered versions). A serde used on another topic (a repartition or
 * changelog topic) writes the id registered for its own topic: the bytes are still self-describing.
 */
import avro from 'avsc';
import registryLib from '@kafkajs/confluent-schema-registry';
import { ConfigError, SerializationError } from '../errors/streams-error.js';
import type { Headers } from '../processor/headers.js';
import type { Deserializer, Serde, Serializer } from './serde.js';

export { loadSchema, schemasDirectory } from './avro-schemas.js';

const { SchemaRegistry } = registryLib;
type Registry = InstanceType<typeof SchemaRegistry>;

/** The most versions of one subject loaded. */
const MAX_VERSIONS = 200;

/** The first byte of every Confluent-framed record. */
export const MAGIC_BYTE = 0;
/** Magic byte + 4-byte schema id. */
export const WIRE_HEADER_LENGTH = 5;

/** The configuration keys of the Avro serdes (Confluent's names). */
export const AvroSerdesConfig = {
  SCHEMA_REGISTRY_URL: 'schema.registry.url',
  AUTO_REGISTER_SCHEMAS: 'auto.register.schemas',
  BASIC_AUTH_USER_INFO: 'basic.auth.user.info',
} as const;

/** Frames an Avro payload: magic byte, schema id, payload. */
export function encodeWireFormat(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(WIRE_HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/** Splits a Confluent-framed record into its schema id and payload; throws on anything else. */
export function decodeWireFormat(topic: string, data: Buffer): { schemaId: number; payload: Buffer } {
  if (data.length < WIRE_HEADER_LENGTH || data.readUInt8(0) !== MAGIC_BYTE) {
    throw new SerializationError(
      `Avro deserializer: a record of topic ${topic} is not in the Confluent wire format (magic byte 0 and a 4-byte schema id; ` +
        `got ${data.length} bytes starting ${data.subarray(0, 5).toString('hex') || '(empty)'}). Was it written as JSON? Check 'schema.registry.url'.`,
    );
  }
  return { schemaId: data.readInt32BE(1), payload: data.subarray(WIRE_HEADER_LENGTH) };
}

/**
 * A synchronous Avro serde over schemas already resolved: `schemaId` is the id written with every value,
 * `readerType` the schema values are encoded with and decoded into, `writers` the schemas (by id) that
 * records may have been written with.
 */
export class AvroSerde<T> implements Serde<T> {
  private readonly resolvers = new Map<number, avro.Resolver | null>();

  constructor(
    readonly readerType: avro.Type,
    readonly schemaId: number,
    private readonly writers: ReadonlyMap<number, avro.Type> = new Map([[schemaId, readerType]]),
  ) {}

  serializer(): Serializer<T> {
    return {
      serialize: (topic: string, data: T | null, _headers?: Headers): Buffer | null => {
        if (data === null || data === undefined) return null;
        let payload: Buffer;
        try {
          payload = this.readerType.toBuffer(data);
        } catch (cause) {
          throw new SerializationError(`Avro serializer (${this.typeName()}) cannot write a value to ${topic}: ${this.invalidPaths(data) || (cause as Error).message}`, { cause });
        }
        return encodeWireFormat(this.schemaId, payload);
      },
    };
  }

  deserializer(): Deserializer<T> {
    return {
      deserialize: (topic: string, data: Buffer | null, _headers?: Headers): T | null => {
        if (data === null) return null;
        const { schemaId, payload } = decodeWireFormat(topic, data);
        const resolver = this.resolverFor(topic, schemaId);
        try {
          return (resolver === null ? this.readerType.fromBuffer(payload) : this.readerType.fromBuffer(payload, resolver)) as T;
        } catch (cause) {
          throw new SerializationError(`Avro deserializer (${this.typeName()}) cannot read a record of ${topic} written with schema id ${schemaId}: ${(cause as Error).message}`, { cause });
        }
      },
    };
  }

  private resolverFor(topic: string, schemaId: number): avro.Resolver | null {
    const known = this.resolvers.get(schemaId);
    if (known !== undefined) return known;
    const writer = this.writers.get(schemaId);
    if (writer === undefined) {
      throw new SerializationError(
        `Avro deserializer (${this.typeName()}): a record of ${topic} was written with schema id ${schemaId}, which is not a version of this topic's subject ` +
          `known when the application started (known ids: ${[...this.writers.keys()].join(', ')}). Restart to load newly registered schemas.`,
      );
    }
    let resolver: avro.Resolver | null = null;
    if (schemaId !== this.schemaId) {
      try {
        resolver = this.readerType.createResolver(writer);
      } catch (cause) {
        throw new SerializationError(`Avro deserializer (${this.typeName()}): schema id ${schemaId} of ${topic} cannot be read as ${this.typeName()}: ${(cause as Error).message}`, { cause });
      }
    }
    this.resolvers.set(schemaId, resolver);
    return resolver;
  }

  private typeName(): string {
    return this.readerType.name ?? this.readerType.typeName;
  }

  /** The paths of the invalid fields of `data`, e.g. `quantity ("ten" is not a long)`. */
  private invalidPaths(data: unknown): string {
    const problems: string[] = [];
    this.readerType.isValid(data, {
      errorHook: (p: string[], value: unknown, type: avro.Type) => problems.push(`${p.join('.') || '(value)'} (${JSON.stringify(value)} is not a valid ${type.typeName})`),
    });
    return problems.length > 0 ? `invalid field ${problems.join(', ')}` : '';
  }
}

export interface AvroSerdesOptions {
  /** `schema.registry.url`: the registry's base URL (Confluent API), e.g. `http://127.0.0.1:8081`. */
  readonly url: string;
  /** `auto.register.schemas` (default true): register the schema, or only look it up. */
  readonly autoRegister?: boolean;
  /** `basic.auth.user.info`: `user:password`. */
  readonly basicAuthUserInfo?: string;
}

/** Makes Avro serdes backed by one schema registry. */
export class AvroSerdes {
  private constructor(
    private readonly registry: Registry,
    private readonly options: AvroSerdesOptions,
  ) {}

  /** From a config object with Confluent's keys (`schema.registry.url`, `auto.register.schemas`, `basic.auth.user.info`). */
  static fromConfig(config: Readonly<Record<string, unknown>>): AvroSerdes {
    const url = config[AvroSerdesConfig.SCHEMA_REGISTRY_URL];
    if (typeof url !== 'string' || url.trim() === '') throw new ConfigError(`Missing configuration "${AvroSerdesConfig.SCHEMA_REGISTRY_URL}" for the Avro serdes`);
    const auto = config[AvroSerdesConfig.AUTO_REGISTER_SCHEMAS];
    const auth = config[AvroSerdesConfig.BASIC_AUTH_USER_INFO];
    return AvroSerdes.create({ url, autoRegister: auto === undefined ? true : auto === true || String(auto) === 'true', basicAuthUserInfo: typeof auth === 'string' ? auth : undefined });
  }

  static create(options: AvroSerdesOptions): AvroSerdes {
    let url: URL;
    try {
      url = new URL(options.url.trim());
    } catch {
      throw new ConfigError(`Invalid ${AvroSerdesConfig.SCHEMA_REGISTRY_URL} "${options.url}": expected a URL such as http://127.0.0.1:8081`);
    }
    const [username, ...rest] = (options.basicAuthUserInfo ?? '').split(':');
    const registry = new SchemaRegistry({
      host: url.toString().replace(/\/$/, ''),
      clientId: 'kstreams-ts',
      retry: { retries: 2, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 2 },
      ...(options.basicAuthUserInfo ? { auth: { username: username!, password: rest.join(':') } } : {}),
    });
    return new AvroSerdes(registry, options);
  }

  /**
   * The serde of `topic`'s values (`isKey`: of its keys), with the given Avro schema: registers it (or
   * looks it up) under `<topic>-value` (`<topic>-key`) and loads the subject's other versions.
   */
  async forTopic<T>(topic: string, schema: avro.Schema, isKey = false): Promise<AvroSerde<T>> {
    const subject = `${topic}-${isKey ? 'key' : 'value'}`;
    const readerType = avro.Type.forSchema(schema);
    const confluent = { type: registryLib.SchemaType.AVRO as const, schema: JSON.stringify(schema) };
    let schemaId: number;
    try {
      schemaId =
        this.options.autoRegister === false
          ? await this.registry.getRegistryIdBySchema(subject, confluent)
          : (await this.registry.register(confluent, { subject })).id;
    } catch (cause) {
      throw this.registryError(`cannot ${this.options.autoRegister === false ? 'find' : 'register'} the schema ${readerType.name ?? ''} under subject ${subject}`, cause);
    }
    const writers = new Map<number, avro.Type>([[schemaId, readerType]]);
    // every version up to the latest (deleted versions answer 404 and are skipped)
    const latestId = await this.registry.getLatestSchemaId(subject).catch((cause: unknown) => {
      throw this.registryError(`cannot read the latest version of subject ${subject}`, cause);
    });
    for (let version = 1, seenLatest = false; !seenLatest && version <= MAX_VERSIONS; version++) {
      let id: number;
      try {
        id = await this.registry.getRegistryId(subject, version);
      } catch (cause) {
        if (isNotFound(cause)) continue;
        throw this.registryError(`cannot read version ${version} of subject ${subject}`, cause);
      }
      seenLatest = id === latestId;
      if (writers.has(id)) continue;
      const writer = await this.registry.getSchema(id).catch((cause: unknown) => {
        throw this.registryError(`cannot read schema id ${id}`, cause);
      });
      writers.set(id, avro.Type.forSchema((writer as unknown as avro.Type).schema()));
    }
    return new AvroSerde<T>(readerType, schemaId, writers);
  }

  private registryError(what: string, cause: unknown): ConfigError {
    const reason = describeRegistryError(cause);
    const unreachable = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|socket hang up|fetch failed/i.test(reason);
    return new ConfigError(
      unreachable
        ? `Cannot reach the schema registry at ${this.options.url} (${reason}): is it running? Check '${AvroSerdesConfig.SCHEMA_REGISTRY_URL}'.`
        : `Schema registry ${this.options.url}: ${what}: ${reason}`,
      { cause },
    );
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'status' in e && (e as { status: unknown }).status === 404;
}

function describeRegistryError(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null) {
    const o = e as { status?: unknown; message?: unknown; error_code?: unknown };
    return [o.status !== undefined ? `HTTP ${String(o.status)}` : '', typeof o.message === 'string' ? o.message : ''].filter(Boolean).join(' ') || JSON.stringify(e);
  }
  return String(e);
}
