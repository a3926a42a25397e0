import { Consumed, EmitStrategy, Materialized, Produced, Serdes, SessionWindows, StreamsBuilder, WindowedSerdes } from '../src/index.js';
import { TopologyTestDriver } from '../test-driver/index.js';
import { toArray } from '../src/state/iterators.js';
const S = Serdes.String(), L = Serdes.Long();
for (const emit of [false, true]) {
const b = new StreamsBuilder();
let w = b.stream<string, string>('input', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5));
if (emit) w = w.emitStrategy(EmitStrategy.onWindowClose());
w.count(Materialized.as<string, number>('session-final').withCachingDisabled()).toStream().to('session', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(S), L));
const d = new TopologyTestDriver(b.build(), { 'application.id': 'app' }, 0);
const inp = d.createInputTopic('input', S, S);
for (const [k, t] of [['a',1],['a',5],['b',12],['a',13]] as const) { await inp.pipeInput(k, 'x', t); await d.advanceWallClockTime(1000);
const st = (await d.getSessionStore<string, number>('session-final'))!;
console.log(t, (await toArray(st.fetch('a'))).map(e => `${e.key}=${e.value}`));
}
console.log(d.createOutputTopic('session', WindowedSerdes.sessionWindowedSerdeFrom(S), L).readKeyValuesToList().map(e => `${e.key}=${e.value}`));
await d.close();
}
