import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Headers, Serdes, WindowedSerdes, type Serde } from '../../src/index.js';
import type { Topology } from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';
import { TestRecord, TopologyTestDriver } from '../../test-driver/index.js';

/** 'S' String, 'L' Long, 'I' Integer; windowed keys (s40+): 'TW:<inner>:<window size>' and 'SW:<inner>'. */
type SerdeLetter = string;
/** Headers as [[key, value-or-null], ...] with values as UTF-8 strings. */
type HeaderList = Array<[string, string | null]>;
type Step =
  | { pipe: string; key: unknown; value: unknown; timestamp: number; headers?: HeaderList }
  | { advanceWallClock: number };

export interface Scenario {
  id: string;
  inputTopics: Record<string, [SerdeLetter, SerdeLetter]>;
  outputTopics: Record<string, [SerdeLetter, SerdeLetter]>;
  stores: string[];
  steps: Step[];
  /** Output records carry their headers (only scenarios that ask, so older goldens stay as they were). */
  headers?: boolean;
  /** extra.allStateStores: the sorted names of every state store in the driver. */
  listStores?: boolean;
}

export interface Golden {
  id: string;
  describe: string;
  outputs: Record<string, Array<{ key: unknown; value: unknown; timestamp: number; headers?: HeaderList }>>;
  stores: Record<string, Array<{ key: unknown; value: unknown }>>;
  producedTopicNames: string[];
  extra: Record<string, unknown>;
}

const dir = fileURLToPath(new URL('.', import.meta.url));

export function loadScenario(id: string): Scenario {
  return JSON.parse(readFileSync(`${dir}scenarios/${id}.json`, 'utf8')) as Scenario;
}

export function loadGolden(id: string): Golden {
  return JSON.parse(readFileSync(`${dir}golden/${id}.json`, 'utf8')) as Golden;
}

export function serde(letter: SerdeLetter): Serde<any> {
  if (letter.startsWith('TW:')) {
    const [, inner, size] = letter.split(':');
    return WindowedSerdes.timeWindowedSerdeFrom(serde(inner!), Number(size));
  }
  if (letter.startsWith('SW:')) return WindowedSerdes.sessionWindowedSerdeFrom(serde(letter.slice(3)));
  return letter === 'S' ? Serdes.String() : letter === 'L' ? Serdes.Long() : Serdes.Integer();
}

/** A windowed key as Golden.java writes it, `{ key, start, end }`; other keys as they are. */
export function jsonKey(key: unknown): unknown {
  if (key !== null && typeof key === 'object' && 'window' in key) {
    const w = key as { key: unknown; window: { start: number; end: number } };
    return { key: w.key, start: w.window.start, end: w.window.end };
  }
  return key;
}

export const CONFIG = {
  'application.id': 'app',
  'bootstrap.servers': 'dummy:1234',
  'default.key.serde': Serdes.String(),
  'default.value.serde': Serdes.String(),
};

/** Runs a scenario's steps through our TopologyTestDriver; returns results shaped like the golden file. */
export async function runScenario(
  id: string,
  topology: Topology,
  extra?: (driver: TopologyTestDriver) => Promise<Record<string, unknown>>,
): Promise<{ actual: Golden; golden: Golden }> {
  const scenario = loadScenario(id);
  const golden = loadGolden(id);
  const driver = new TopologyTestDriver(topology, CONFIG, 0);
  try {
    const inputs = new Map(
      Object.entries(scenario.inputTopics).map(([t, [k, v]]) => [t, driver.createInputTopic(t, serde(k), serde(v))]),
    );
    for (const step of scenario.steps) {
      if ('advanceWallClock' in step) await driver.advanceWallClockTime(step.advanceWallClock);
      else if (step.headers !== undefined) {
        const headers = new Headers();
        for (const [k, v] of step.headers) headers.add(k, v === null ? null : Buffer.from(v, 'utf8'));
        await inputs.get(step.pipe)!.pipeInput(new TestRecord(step.key, step.value, headers, step.timestamp));
      } else await inputs.get(step.pipe)!.pipeInput(step.key, step.value, step.timestamp);
    }
    const outputs: Golden['outputs'] = {};
    for (const [t, [k, v]] of Object.entries(scenario.outputTopics)) {
      outputs[t] = driver
        .createOutputTopic(t, serde(k), serde(v))
        .readRecordsToList()
        .map((r) => ({
          key: jsonKey(r.key),
          value: r.value,
          timestamp: r.timestamp!,
          ...(scenario.headers ? { headers: headerList(r.headers) } : {}),
        }));
    }
    const stores: Golden['stores'] = {};
    for (const name of scenario.stores) {
      const store = await driver.getKeyValueStore(name);
      if (store === null) throw new Error(`no key-value store ${name}`);
      stores[name] = (await toArray(store.all())).map(({ key, value }) => ({ key, value }));
    }
    const extras = extra === undefined ? {} : await extra(driver);
    if (scenario.listStores) extras.allStateStores = [...(await driver.getAllStateStores()).keys()].sort();
    const actual: Golden = {
      id,
      describe: topology.describe().toString(),
      outputs,
      stores,
      producedTopicNames: [...driver.producedTopicNames()].sort(),
      extra: extras,
    };
    return { actual, golden };
  } finally {
    await driver.close();
  }
}

function headerList(headers: Headers): HeaderList {
  return headers.toArray().map((h): [string, string | null] => [h.key, h.value === null ? null : h.value.toString('utf8')]);
}
