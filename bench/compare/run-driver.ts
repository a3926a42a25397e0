/**
 * `node dist/bench/compare/run-driver.js <topology> <records> <keys> <warmup>`: our side of the driver
 * comparison in a process of its own (as Java's DriverRunner runs in its JVM), in-memory stores as there.
 * Prints one JSON line with records/s.
 */
import { runThroughput } from '../reference/throughput.js';
import { isReferenceTopology } from '../reference/topologies.js';

const [name = '', records = '1000000', keys = '10000', warmup = '0'] = process.argv.slice(2);
if (!isReferenceTopology(name)) throw new Error(`unknown topology ${name}`);
console.log(JSON.stringify(await runThroughput(name, Number(records), Number(keys), 'in_memory', Number(warmup))));
