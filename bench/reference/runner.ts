/**
 * Runs an input sequence through OUR TopologyTestDriver and answers in DriverRunner.java's format: after
 * every input line the records it produced (topic by topic, in outputTopics order), then every state
 * store's final contents, sorted.
 */
import { Serdes, type Serde, type StreamsProperties } from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { sortStoreLines, type InputLine, type OutputLine, type StoreLine } from './lines.js';
import { buildReferenceTopology, inputTopics, outputTopics, valueFormat, type ReferenceTopology, type ValueFormat } from './topologies.js';

/** The driver config both sides use (DriverRunner.java sets the same, plus a temporary state.dir). */
export function driverConfig(store: StoreType): StreamsProperties {
  return {
    'application.id': 'app',
    'bootstrap.servers': 'dummy:1234',
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
    'default.dsl.store': store,
  };
}

export type StoreType = 'rocksDB' | 'in_memory';

export function valueSerde(format: ValueFormat): Serde<unknown> {
  return (format === 'string' ? Serdes.String() : format === 'long' ? Serdes.Long() : Serdes.Json()) as Serde<unknown>;
}

/** A value as it looks after a JSON round trip, as the Java side's lines are read. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export async function runOurs(name: ReferenceTopology, sequence: InputLine[], store: StoreType = 'rocksDB'): Promise<OutputLine[]> {
  const config = driverConfig(store);
  const driver = new TopologyTestDriver(buildReferenceTopology(name, config), config, 0);
  const S = Serdes.String();
  const inputs = new Map(inputTopics(name).map((t) => [t, driver.createInputTopic<string | null, unknown>(t, S, valueSerde(valueFormat(name, t)), 0)]));
  const outputs = outputTopics(name).map((t) => [t, driver.createOutputTopic(t, S, valueSerde(valueFormat(name, t)))] as const);
  const lines: OutputLine[] = [];
  try {
    try {
      for (const step of sequence) {
        if ('advanceWallClock' in step) await driver.advanceWallClockTime(step.advanceWallClock);
        else {
          const input = inputs.get(step.topic);
          if (input === undefined) throw new Error(`${name} has no input topic ${step.topic}`);
          await input.pipeInput(step.key, step.value, step.timestamp);
        }
        for (const [topic, output] of outputs) {
          for (const r of output.readRecordsToList()) lines.push({ topic, key: r.key, value: plain(r.value), timestamp: r.timestamp ?? 0 });
        }
      }
    } catch (e) {
      lines.push({ error: String(e) });
      return lines;
    }
    lines.push(...(await storeLines(driver)));
    return lines;
  } finally {
    await driver.close();
  }
}

async function storeLines(driver: TopologyTestDriver): Promise<StoreLine[]> {
  const lines: StoreLine[] = [];
  for (const name of [...(await driver.getAllStateStores()).keys()].sort()) {
    const windowStore = await driver.getWindowStore<string, unknown>(name);
    if (windowStore !== null) {
      for (const { key, value } of await toArray(windowStore.all())) {
        lines.push({ store: name, key: `${key.key}@${key.window.start}`, value: plain(value) });
      }
      continue;
    }
    // a left/outer join's shared store keeps internal key/value types; its effect shows in the outputs
    if (name.endsWith('-shared-join-store')) continue;
    const kvStore = await driver.getKeyValueStore<string, unknown>(name);
    if (kvStore === null) continue;
    for (const { key, value } of await toArray(kvStore.all())) lines.push({ store: name, key: String(key), value: plain(value) });
  }
  return sortStoreLines(lines);
}
