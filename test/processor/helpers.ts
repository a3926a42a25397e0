import { Headers, Serdes, Topology, type Processor, type ProcessorContext, type Record } from '../../src/index.js';

/** Headers as `[key, utf8 value]` pairs, for exact comparisons. */
export function hdrs(headers: Headers | Iterable<{ key: string; value: Buffer | null }>): Array<[string, string | null]> {
  return [...headers].map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]);
}

/** What a recording processor saw of one record. */
export interface Seen {
  key: unknown;
  value: unknown;
  timestamp: number;
  headers: Array<[string, string | null]>;
  topic: string | null;
  partition: number | null;
  offset: number | null;
}

/** A processor that records every record it sees (with its metadata) and forwards it unchanged. */
export function recording(seen: Seen[]): () => Processor<unknown, unknown, unknown, unknown> {
  return () => {
    let ctx: ProcessorContext<unknown, unknown>;
    return {
      init(c) {
        ctx = c;
      },
      process(r: Record<unknown, unknown>) {
        const md = ctx.recordMetadata();
        seen.push({
          key: r.key,
          value: r.value,
          timestamp: r.timestamp,
          headers: hdrs(r.headers),
          topic: md?.topic() ?? null,
          partition: md?.partition() ?? null,
          offset: md?.offset() ?? null,
        });
        return ctx.forward(r);
      },
    };
  };
}

/** `input` (String/String) -> recording processor `rec` -> `output` (String/String). */
export function passThrough(seen: Seen[], topics: string[] = ['input']): Topology {
  return new Topology()
    .addSource('src', Serdes.String().deserializer(), Serdes.String().deserializer(), ...topics)
    .addProcessor('rec', recording(seen), 'src')
    .addSink('sink', 'output', Serdes.String().serializer(), Serdes.String().serializer(), 'rec');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
