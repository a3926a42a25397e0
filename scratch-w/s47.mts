import { Consumed, EmitStrategy, Materialized, Produced, Serdes, SessionWindows, StreamsBuilder, WindowedSerdes } from '../src/index.js';
import { TopologyTestDriver } from '../test-driver/index.js';
import { toArray } from '../src/state/iterators.js';
const S = Serdes.String(), L = Serdes.Long();
const b = new StreamsBuilder();
b.stream<string, string>('input', Consumed.with(S, S)).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).emitStrategy(EmitStrategy.onWindowClose()).count(Materialized.as('session-final')).toStream().to('session', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(S), L));
const d = new TopologyTestDriver(b.build(), { 'application.id': 'app' }, 0);
const inp = d.createInputTopic('input', S, S);
for (const [k, t] of [['a',1],['a',5],['b',12],['a',13]] as const) { await inp.pipeInput(k, 'x', t); await d.advanceWallClockTime(1000); }
const st = (await d.getSessionStore<string, number>('session-final'))!;
console.log(await toArray(st.fetch('a')));
console.log(await toArray(st.findSessions(0, 100)));
console.log(d.createOutputTopic('session', WindowedSerdes.sessionWindowedSerdeFrom(S), L).readKeyValuesToList());
await d.close();
