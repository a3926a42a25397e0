/** Resolving a topology name and its command-line settings into a built topology. */
import { Serdes, StreamsBuilder, type Serde, type Topology } from '../index.js';
import { TOPOLOGIES, topicName, type SchemaName, type TopicSpec, type TopologyModule, type ValueSerdeFactory } from '../../topologies/index.js';
import { CliError, ExitCode } from './errors.js';

/** What the commands share: which topology, with which topic names, options and configuration. */
export interface TopologySelection {
  readonly name: string;
  readonly module: TopologyModule;
  /** Topic names by default name (`--topic <default>=<name>`). */
  readonly topics: Readonly<Record<string, string>>;
  /** The module's options (`--option <name>=<value>`). */
  readonly options: Readonly<Record<string, string>>;
  /** Streams / serde configuration (`--config <key>=<value>`), e.g. `schema.registry.url`. */
  readonly config: Readonly<Record<string, string>>;
}

export function knownTopologies(): string {
  return Object.keys(TOPOLOGIES).join(', ');
}

/** The module registered as `name`, or a usage error listing the known ones. */
export function resolveTopology(name: string): TopologyModule {
  const module = TOPOLOGIES[name];
  if (module === undefined) {
    const close = Object.keys(TOPOLOGIES).filter((k) => k.includes(name) || name.includes(k));
    throw new CliError(
      `unknown topology "${name}". Known topologies: ${knownTopologies()}.` + (close.length > 0 ? ` Did you mean ${close.join(' or ')}?` : '') + ` ('order-saga' needs stream-stream joins and is not available yet.)`,
      ExitCode.USAGE,
    );
  }
  return module;
}

/** Parses repeated `key=value` options into an object (`what` names the option in errors). */
export function parsePairs(values: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new CliError(`${what} expects key=value, got "${v}" (for example ${what} ${what === '--topic' ? 'orders=my-orders' : 'commit.interval.ms=100'})`, ExitCode.USAGE);
    out[v.slice(0, eq).trim()] = v.slice(eq + 1).trim();
  }
  return out;
}

/** Validates the selection's topic renames and options against the module. */
export function select(name: string, raw: { topic?: string[]; option?: string[]; config?: string[] }): TopologySelection {
  const module = resolveTopology(name);
  const topics = parsePairs(raw.topic, '--topic');
  const known = module.topics.map((t) => t.name);
  for (const t of Object.keys(topics)) {
    if (!known.includes(t)) throw new CliError(`--topic ${t}=…: ${name} has no topic "${t}"; its topics are ${known.join(', ')}`, ExitCode.USAGE);
  }
  const options = parsePairs(raw.option, '--option');
  for (const o of Object.keys(options)) {
    if (!(o in module.options)) throw new CliError(`--option ${o}=…: ${name} has no option "${o}"; its options are ${Object.keys(module.options).join(', ') || '(none)'}`, ExitCode.USAGE);
  }
  return { name, module, topics, options, config: parsePairs(raw.config, '--config') };
}

/** A topic of the selection with its actual name. */
export interface ResolvedTopic extends TopicSpec {
  readonly topic: string;
}

export function resolvedTopics(sel: TopologySelection, direction?: TopicSpec['direction']): ResolvedTopic[] {
  return sel.module.topics.filter((t) => direction === undefined || t.direction === direction).map((t) => ({ ...t, topic: topicName(sel, t.name) }));
}

/**
 * The value serdes of the selection's contract topics: JSON, or Avro in the Confluent wire format when
 * `schema.registry.url` is configured (registering the schemas first: this is why it is async).
 */
export async function valueSerdes(sel: TopologySelection): Promise<{ factory: ValueSerdeFactory; serdeOf: (t: ResolvedTopic) => Serde<unknown> }> {
  const fixed = (t: ResolvedTopic): Serde<unknown> | null => (t.schema === null ? (t.valueSerde?.() ?? Serdes.ByteArray()) : null);
  if (!sel.config['schema.registry.url']) {
    return { factory: () => Serdes.Json(), serdeOf: (t) => fixed(t) ?? Serdes.Json() };
  }
  const { AvroSerdes, loadSchema } = await import('../serde/avro-serdes.js');
  const avro = AvroSerdes.fromConfig(sel.config);
  const byTopic = new Map<string, Serde<unknown>>();
  for (const t of resolvedTopics(sel)) {
    if (t.schema !== null) byTopic.set(t.topic, await avro.forTopic(t.topic, loadSchema(t.schema)));
  }
  const factory = (<T>(schema: SchemaName, topic: string): Serde<T> => {
    const serde = byTopic.get(topic);
    if (serde === undefined) throw new CliError(`no Avro serde prepared for topic ${topic} (schema ${schema})`);
    return serde as Serde<T>;
  }) as ValueSerdeFactory;
  return { factory, serdeOf: (t) => fixed(t) ?? byTopic.get(t.topic)! };
}

/** Builds the selected topology (with `props` for `builder.build`, e.g. optimizations). */
export function buildTopology(sel: TopologySelection, factory: ValueSerdeFactory, props: Record<string, unknown> = {}): Topology {
  const builder = new StreamsBuilder();
  try {
    sel.module.add(builder, { topics: sel.topics, options: sel.options, valueSerdes: factory });
  } catch (e) {
    throw new CliError(`${sel.name}: ${(e as Error).message}`, ExitCode.USAGE);
  }
  return builder.build(props);
}
