#!/usr/bin/env node
// The kstreams command line. The only module that reads argv or exits the process.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { setLogLevel } from '../index.js';
import { runDemo } from './demo.js';
import { toMermaid } from './describe.js';
import { runEmbedded } from './embedded.js';
import { CliError, ExitCode } from './errors.js';
import { runOnKafka } from './kafka-run.js';
import { produce } from './produce.js';
import { query } from './query.js';
import { topics } from './topics.js';
import { buildTopology, knownTopologies, resolvedTopics, select, valueSerdes } from './topology.js';
import { TOPOLOGIES } from '../../topologies/index.js';

const out = (line: string): void | Promise<void> => {
  if (!process.stdout.write(`${line}\n`)) return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
};
const err = (text: string): void => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
// `kstreams produce … | head` closes our stdout early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(ExitCode.OK);
  throw e;
});

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const integer = (what: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${what} must be an integer.`);
  return n;
};
const positive = (what: string) => (value: string): number => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`${what} must be a positive number.`);
  return n;
};

const TOPIC_HELP = 'use <name> for the topology\'s topic <default> (repeatable), e.g. --topic orders=my-orders';
const CONFIG_HELP = 'a streams or serde setting (repeatable), e.g. --config commit.interval.ms=1000 or --config schema.registry.url=http://127.0.0.1:8081 for Avro';
const OPTION_HELP = 'a topology option (repeatable), e.g. --option unknownOrderGraceMs=30000';
const topicArgs = (o: { topic?: string[] }) => (o.topic ?? []).map((t) => ` --topic ${t}`).join('');

const program = new Command()
  .name('kstreams')
  .description('Kafka Streams for Node.js: run, describe and feed the stream-processing topologies of this package.')
  .addOption(new Option('--log-level <level>', 'library log level').choices(['error', 'warn', 'info', 'debug']).default('warn'))
  .showHelpAfterError('(add --help for usage)')
  .exitOverride()
  .hook('preAction', (cmd) => setLogLevel(cmd.opts().logLevel as 'error' | 'warn' | 'info' | 'debug'))
  .addHelpText(
    'after',
    `
Topologies: ${knownTopologies()} (kstreams list describes them).

Examples:
  kstreams produce order-fill --count 20 --seed 7 > orders.jsonl
  kstreams run order-fill --input orders.jsonl                 # on the embedded engine, prints outputs
  kstreams produce order-fill --count 20 | kstreams run order-fill
  kstreams describe order-fill --format mermaid
  kstreams topics order-fill --create --bootstrap-servers 127.0.0.1:9092
  kstreams run order-fill --bootstrap-servers 127.0.0.1:9092 --processing-guarantee exactly_once_v2
  kstreams run order-fill --bootstrap-servers 127.0.0.1:9092 --query-port 7070   # then: kstreams query order-fill-state <orderId> --server 127.0.0.1:7070

Exit codes: 0 ok, 1 failure, 2 usage error, 3 some input lines rejected, 130 interrupted.`,
  );

program
  .command('demo')
  .description('generate sample orders and fills, run order-fill on the embedded in-process engine (no broker needed) and print the order states')
  .action(async () => {
    await runDemo((line) => console.log(line));
  });

program
  .command('list')
  .description('list the topologies with their topics')
  .action(() => {
    for (const [name, m] of Object.entries(TOPOLOGIES)) {
      out(`${name}: ${m.description}`);
      for (const t of m.topics) out(`  ${t.direction.padEnd(6)} ${t.name}`);
    }
  });

program
  .command('run')
  .description('run a topology: on the embedded engine over JSON lines (default), or on Kafka with --bootstrap-servers')
  .argument('<topology>', `one of: ${knownTopologies()}`)
  .option('-i, --input <file>', 'embedded: JSON lines {"topic","key","value","timestamp"?} to read ("-" or absent: stdin)')
  .option('-b, --bootstrap-servers <host:port>', 'run on Kafka instead, via KafkaStreams')
  .option('--application-id <id>', 'Kafka: the application id (consumer group, internal topic prefix)', undefined)
  .option('--state-dir <dir>', 'Kafka: where local state stores live (default /tmp/kafka-streams)')
  .addOption(new Option('--processing-guarantee <guarantee>', 'Kafka: processing guarantee').choices(['at_least_once', 'exactly_once_v2']).default('at_least_once'))
  .option('--config <key=value>', CONFIG_HELP, collect, [])
  .option('--topic <default=name>', TOPIC_HELP, collect, [])
  .option('--option <name=value>', OPTION_HELP, collect, [])
  .option('--query-port <port>', 'Kafka: serve interactive queries (HTTP JSON) on this port; see kstreams query', integer('--query-port'))
  .option('--application-server <host:port>', 'Kafka: the endpoint other instances forward queries to (default 127.0.0.1:<query-port>)')
  .addHelpText(
    'after',
    `
Embedded: each input line is one record, e.g.
  {"topic":"orders","key":"o-1","value":{"orderId":"o-1",…,"eventType":"NEW","eventTime":1700000000000}}
The record timestamp is "timestamp", else the value's eventTime. Every output record is printed as such a
line; unusable lines are reported on stderr with their line number (exit code 3 at the end).
On Kafka: runs until Ctrl-C or SIGTERM, then commits and closes cleanly; state restoration shows progress.`,
  )
  .action(async (name: string, o: { input?: string; bootstrapServers?: string; applicationId?: string; stateDir?: string; processingGuarantee: string; config: string[]; topic: string[]; option: string[]; queryPort?: number; applicationServer?: string }) => {
    const sel = select(name, o);
    const { factory, serdeOf } = await valueSerdes(sel);
    const topology = buildTopology(sel, factory, sel.config);
    if (o.bootstrapServers !== undefined) {
      if (o.input !== undefined) throw new CliError('--input is for the embedded engine; on Kafka the topology reads its input topics (feed them with kstreams produce --bootstrap-servers)', ExitCode.USAGE);
      let interrupts = 0;
      const stopRequested = new Promise<string>((resolve) => {
        const onSignal = (signal: string) => {
          if (++interrupts > 1) {
            err('kstreams: interrupted again: exiting without a clean shutdown');
            process.exit(ExitCode.INTERRUPTED);
          }
          resolve(signal);
        };
        process.on('SIGINT', () => onSignal('SIGINT'));
        process.on('SIGTERM', () => onSignal('SIGTERM'));
      });
      await runOnKafka(sel, topology, {
        bootstrapServers: o.bootstrapServers,
        applicationId: o.applicationId ?? `kstreams-${name}`,
        stateDir: o.stateDir,
        processingGuarantee: o.processingGuarantee,
        queryPort: o.queryPort,
        applicationServer: o.applicationServer,
        topicArgs: topicArgs(o),
        err,
        tty: process.stderr.isTTY === true,
        stopRequested,
      });
      return;
    }
    const kafkaOnly = { applicationId: '--application-id', stateDir: '--state-dir', queryPort: '--query-port', applicationServer: '--application-server' } as const;
    for (const [flag, option] of Object.entries(kafkaOnly)) {
      if (o[flag as keyof typeof kafkaOnly] !== undefined) throw new CliError(`${option} is for running on Kafka: add --bootstrap-servers host:port`, ExitCode.USAGE);
    }
    const fromStdin = o.input === undefined || o.input === '-';
    if (!fromStdin) {
      if (!existsSync(o.input!) || !statSync(o.input!).isFile()) throw new CliError(`--input ${o.input}: no such file`, ExitCode.USAGE);
    } else if (process.stdin.isTTY) {
      err(`kstreams: reading JSON lines for ${resolvedTopics(sel, 'input').map((t) => t.topic).join(', ')} from stdin (Ctrl-D ends)`);
    }
    const result = await runEmbedded(sel, topology, serdeOf, {
      input: fromStdin ? process.stdin : createReadStream(o.input!),
      inputName: fromStdin ? 'stdin' : o.input!,
      out,
      err,
    });
    err(
      `kstreams: ${name}: ${result.processed} input records processed, ${result.outputs} output records` +
        (result.rejected > 0 ? `; ${result.rejected} input line(s) rejected (see above)` : ''),
    );
    if (result.rejected > 0) process.exitCode = ExitCode.BAD_INPUT;
  });

program
  .command('describe')
  .description("print a topology: Java's describe() text, or a Mermaid diagram of its sub-topologies, processors, stores and topics")
  .argument('<topology>', `one of: ${knownTopologies()}`)
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'mermaid']).default('text'))
  .option('--topic <default=name>', TOPIC_HELP, collect, [])
  .option('--option <name=value>', OPTION_HELP, collect, [])
  .action(async (name: string, o: { format: string; topic: string[]; option: string[] }) => {
    const sel = select(name, o);
    const { factory } = await valueSerdes(sel);
    const description = buildTopology(sel, factory).describe();
    out(o.format === 'mermaid' ? toMermaid(description) : description.toString().trimEnd());
  });

program
  .command('produce')
  .description('generate realistic, seeded sample input for a topology: JSON lines on stdout, or records on Kafka with --bootstrap-servers')
  .argument('<topology>', `one of: ${knownTopologies()}`)
  .option('-n, --count <n>', 'number of order scenarios (a parent with its children is one)', integer('--count'), 20)
  .option('-r, --rate <records-per-second>', 'throttle to this many records per second (default: as fast as possible)', positive('--rate'))
  .option('-s, --seed <seed>', 'random seed: the same seed gives the same records', integer('--seed'), 1)
  .option('-b, --bootstrap-servers <host:port>', 'write the records to the topology\'s input topics on Kafka')
  .option('--config <key=value>', CONFIG_HELP, collect, [])
  .option('--topic <default=name>', TOPIC_HELP, collect, [])
  .addHelpText(
    'after',
    `
The data has orders with partial fills, duplicate (re-delivered) fills, fills before their order,
out-of-order fills, replaces, cancels racing fills, fills after cancels, late cancels, overfills, fills
for orders that never arrive, and parents split into children. For order-hierarchy it is the
order-state that order-fill derives from such data.`,
  )
  .action(async (name: string, o: { count: number; rate?: number; seed: number; bootstrapServers?: string; config: string[]; topic: string[] }) => {
    const sel = select(name, o);
    await produce(sel, { count: o.count, seed: o.seed, rate: o.rate, bootstrapServers: o.bootstrapServers, topicArgs: topicArgs(o), out, err });
  });

program
  .command('topics')
  .description("list a topology's topics, or create them on Kafka with --create")
  .argument('<topology>', `one of: ${knownTopologies()}`)
  .option('--create', 'create the input and output topics that do not exist yet')
  .option('-b, --bootstrap-servers <host:port>', 'the Kafka cluster')
  .option('-p, --partitions <n>', 'partitions of created topics (co-partitioned inputs need the same count)', integer('--partitions'), 1)
  .option('--replication-factor <n>', 'replication factor of created topics (default: the broker\'s)', integer('--replication-factor'))
  .option('--topic <default=name>', TOPIC_HELP, collect, [])
  .action(async (name: string, o: { create?: boolean; bootstrapServers?: string; partitions: number; replicationFactor?: number; topic: string[] }) => {
    const sel = select(name, o);
    await topics(sel, { create: o.create === true, bootstrapServers: o.bootstrapServers, partitions: o.partitions, replicationFactor: o.replicationFactor, out });
  });

program
  .command('query')
  .description('query the state stores of a running application (kstreams run … --query-port): a key, a range, or list stores and instances')
  .argument('[store]', 'the store to query (leave out to list stores and instances)')
  .argument('[key]', 'the key to look up (leave out to scan the store)')
  .requiredOption('-s, --server <host:port>', 'any instance\'s query endpoint (keys hosted elsewhere are forwarded)')
  .option('--from <key>', 'scan: first key (inclusive); window stores: first window start (ms)')
  .option('--to <key>', 'scan: last key (inclusive); window stores: last window start (ms)')
  .option('--page-size <n>', 'scan: rows per page', integer('--page-size'), 100)
  .option('--token <token>', 'scan: continue from the page that printed this token')
  .option('--all', 'scan: print every page, not only the first')
  .addHelpText(
    'after',
    `
Examples:
  kstreams run order-saga --bootstrap-servers 127.0.0.1:9092 --query-port 7070
  kstreams query --server 127.0.0.1:7070                          # stores and instances
  kstreams query orders-view o-17 --server 127.0.0.1:7070          # one key (its value as JSON)
  kstreams query order-fill-state --all --server 127.0.0.1:7070    # every row, one JSON line each`,
  )
  .action(async (store: string | undefined, key: string | undefined, o: { server: string; from?: string; to?: string; pageSize: number; token?: string; all?: boolean }) => {
    await query({ ...o, store, key, all: o.all === true, out, err });
  });

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message (and the help)
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.OK;
      return e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync' ? e.exitCode : ExitCode.USAGE;
    }
    if (e instanceof CliError) {
      err(`kstreams: ${e.message}`);
      return e.exitCode;
    }
    err(`kstreams: ${e instanceof Error ? e.message : String(e)}`);
    return ExitCode.FAILURE;
  }
}

const code = await main();
// let stdout drain, then exit (Kafka clients may keep timers alive)
process.stdout.write('', () => process.exit(code));
