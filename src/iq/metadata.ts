import { IllegalArgumentError } from '../errors/streams-error.js';

/** Java's `HostInfo`: an instance's `application.server` endpoint. */
export class HostInfo {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** Java's `HostInfo.unavailable()`: where a key is while the metadata is not known. */
  static unavailable(): HostInfo {
    return new HostInfo('unavailable', -1);
  }

  /** Parses `application.server`'s `host:port` (Java's `HostInfo.buildFromEndpoint`). */
  static buildFromEndpoint(endpoint: string): HostInfo {
    const colon = endpoint.lastIndexOf(':');
    const port = Number(endpoint.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new IllegalArgumentError(`"${endpoint}" is not a valid host:port endpoint (e.g. 127.0.0.1:7070)`);
    }
    return new HostInfo(endpoint.slice(0, colon), port);
  }

  equals(other: unknown): boolean {
    return other instanceof HostInfo && other.host === this.host && other.port === this.port;
  }

  toString(): string {
    return `${this.host}:${this.port}`;
  }
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Java's `KeyQueryMetadata`: where a key of a store lives. There are no standbys here: `standbyHosts` is empty. */
export class KeyQueryMetadata {
  /** Java's `KeyQueryMetadata.NOT_AVAILABLE`: the client has no assignment metadata yet. */
  static readonly NOT_AVAILABLE = new KeyQueryMetadata(HostInfo.unavailable(), [], -1);

  constructor(
    readonly activeHost: HostInfo,
    readonly standbyHosts: readonly HostInfo[],
    readonly partition: number,
  ) {}
}

/** Java's `StreamsMetadata`: one instance of the application, what it hosts. */
export class StreamsMetadata {
  constructor(
    readonly hostInfo: HostInfo,
    readonly stateStoreNames: readonly string[],
    readonly topicPartitions: readonly TopicPartition[],
    readonly standbyStateStoreNames: readonly string[] = [],
    readonly standbyTopicPartitions: readonly TopicPartition[] = [],
  ) {}

  host(): string {
    return this.hostInfo.host;
  }

  port(): number {
    return this.hostInfo.port;
  }
}
