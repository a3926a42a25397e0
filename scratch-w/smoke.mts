import { StreamsBuilder, Consumed, Produced, Serdes, TimeWindows, SessionWindows, SlidingWindows, WindowedSerdes, Suppressed, Materialized, EmitStrategy } from '../src/index.js';
import { TopologyTestDriver } from '../test-driver/index.js';
const S = Serdes.String(), L = Serdes.Long();
async function run(name: string, build: (b: StreamsBuilder) => void, steps: Array<[string, string, number]>, outSerde: any, adv?: number) {
  const b = new StreamsBuilder();
  build(b);
  const t = b.build();
  console.log('==', name); console.log(t.describe().toString());
  const d = new TopologyTestDriver(t, { 'application.id': 'app', 'default.key.serde': S, 'default.value.serde': S }, 0);
  const inp = d.createInputTopic('in', S, S);
  for (const [k, v, ts] of steps) { await inp.pipeInput(k, v, ts); if (adv) await d.advanceWallClockTime(adv); }
  const out = d.createOutputTopic('out', outSerde, L);
  for (const r of out.readRecordsToList()) console.log(String(r.key), r.value, r.timestamp);
  console.log([...d.producedTopicNames()], JSON.stringify(d.metrics()));
  await d.close();
}
await run('tumbling', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), L)),
  [['a','x',1],['a','x',5],['b','x',10],['a','x',12],['a','late',3]], WindowedSerdes.timeWindowedSerdeFrom(S, 10));
await run('hopping', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5)).count().toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), L)),
  [['a','x',1],['a','x',7],['a','x',12],['a','late',3]], WindowedSerdes.timeWindowedSerdeFrom(S, 10));
await run('session', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count().toStream().to('out', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(S), L)),
  [['a','x',1],['a','x',10],['a','x',5],['a','x',30]], WindowedSerdes.sessionWindowedSerdeFrom(S));
await run('sliding', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count().toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), L)),
  [['a','x',5],['a','x',20],['a','x',15],['a','x',40]], WindowedSerdes.timeWindowedSerdeFrom(S, 10));
await run('suppress', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())).toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), L)),
  [['a','x',1],['a','x',5],['b','x',10],['a','x',12],['a','x',25]], WindowedSerdes.timeWindowedSerdeFrom(S, 10));
await run('emitfinal', (b) => b.stream('in', Consumed.with(S, S)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).emitStrategy(EmitStrategy.onWindowClose()).count().toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), L)),
  [['a','x',1],['a','x',5],['b','x',10],['a','x',12],['a','x',25]], WindowedSerdes.timeWindowedSerdeFrom(S, 10), 1000);
