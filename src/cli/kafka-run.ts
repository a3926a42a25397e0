/** `kstreams run <topology> --bootstrap-servers …`: the topology on Kafka, via KafkaStreams. */
import type { Topology } from '../index.js';
import { HostInfo } from '../iq/metadata.js';
import { QueryService } from '../iq/query-service.js';
import { KafkaStreams, KafkaStreamsState, StreamThreadExceptionResponse } from '../runtime/kafka-streams.js';
import { CliError, ExitCode } from './errors.js';
import { connectKafka, requireTopics } from './kafka.js';
import { RestoreProgress } from './progress.js';
import { resolvedTopics, type TopologySelection } from './topology.js';

export interface KafkaRunOptions {
  readonly bootstrapServers: string;
  readonly applicationId: string;
  readonly stateDir?: string;
  readonly processingGuarantee: string;
  /** Serve interactive queries on this port (and advertise `applicationServer` to the other instances). */
  readonly queryPort?: number;
  /** `application.server`; default 127.0.0.1:<queryPort>. */
  readonly applicationServer?: string;
  /** Extra CLI arguments that name the topics (`--topic …`), repeated in hints. */
  readonly topicArgs: string;
  /** Diagnostics (stderr). */
  readonly err: (text: string) => void;
  readonly tty: boolean;
  /** Resolves with the signal's name when the user asks to stop (Ctrl-C, SIGTERM). */
  readonly stopRequested: Promise<string>;
}

/** Runs until stopped (resolves) or failed (rejects with a CliError). */
export async function runOnKafka(sel: TopologySelection, topology: Topology, o: KafkaRunOptions): Promise<void> {
  const guarantees = ['at_least_once', 'exactly_once_v2'];
  if (!guarantees.includes(o.processingGuarantee)) {
    throw new CliError(`--processing-guarantee must be one of ${guarantees.join(', ')} (got "${o.processingGuarantee}")`, ExitCode.USAGE);
  }
  const applicationServer = queryEndpoint(o);
  const conn = await connectKafka(o.bootstrapServers, `${o.applicationId}-cli`);
  try {
    const topics = resolvedTopics(sel).map((t) => t.topic);
    await requireTopics(conn.admin, topics, sel.name, o.bootstrapServers, o.topicArgs);
  } finally {
    await conn.close();
  }
  const props: Record<string, unknown> = {
    ...sel.config,
    'application.id': o.applicationId,
    'bootstrap.servers': o.bootstrapServers,
    'processing.guarantee': o.processingGuarantee,
    ...(o.stateDir === undefined ? {} : { 'state.dir': o.stateDir }),
    ...(applicationServer === null ? {} : { 'application.server': applicationServer }),
  };
  let streams: KafkaStreams;
  try {
    streams = new KafkaStreams(topology, props);
  } catch (e) {
    throw new CliError(`invalid configuration: ${(e as Error).message}`, ExitCode.USAGE);
  }
  let failure: Error | null = null;
  let failed!: () => void;
  const failedPromise = new Promise<void>((r) => (failed = r));
  streams.setGlobalStateRestoreListener(new RestoreProgress(o.err, o.tty));
  streams.setStateListener((next, old) => {
    o.err(`kstreams: ${sel.name}: ${old} -> ${next}\n`);
    if (next === KafkaStreamsState.ERROR) failed();
  });
  streams.setUncaughtExceptionHandler((e) => {
    failure = e;
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  });
  const service = applicationServer === null ? null : await startQueryService(streams, topology, applicationServer, o);
  o.err(`kstreams: starting ${sel.name} as application "${o.applicationId}" on ${o.bootstrapServers} (${o.processingGuarantee})\n`);
  const stopEarly = o.stopRequested.then((signal) => signal);
  const started = streams.start().then(() => null);
  const first = await Promise.race([started, stopEarly, failedPromise.then(() => 'failed')]).catch((e: unknown) => {
    throw new CliError(`${sel.name} failed to start: ${(e as Error).message}`);
  });
  if (first === null) {
    o.err(`kstreams: ${sel.name} is running; reading ${resolvedTopics(sel, 'input').map((t) => t.topic).join(', ')}, writing ${resolvedTopics(sel, 'output').map((t) => t.topic).join(', ')}. Ctrl-C stops it.\n`);
  }
  const outcome = first === null ? await Promise.race([stopEarly, failedPromise.then(() => 'failed')]) : first;
  await service?.close();
  if (outcome === 'failed') {
    await streams.close({ timeout: 30_000 });
    const cause = failure as Error | null;
    throw new CliError(`${sel.name} stopped with an error: ${cause?.message ?? 'a stream thread failed'}`);
  }
  o.err(`kstreams: ${outcome}: stopping ${sel.name} (committing and closing its tasks)...\n`);
  const clean = await streams.close({ timeout: 60_000 });
  if (!clean) throw new CliError(`${sel.name} did not stop within 60 s`);
  o.err(`kstreams: ${sel.name} stopped cleanly\n`);
}

/** `application.server` from --query-port / --application-server, or null when queries are not served. */
function queryEndpoint(o: KafkaRunOptions): string | null {
  if (o.queryPort === undefined) {
    if (o.applicationServer !== undefined) throw new CliError('--application-server needs --query-port <port>: the port this instance serves queries on', ExitCode.USAGE);
    return null;
  }
  if (!(o.queryPort > 0 && o.queryPort < 65536)) throw new CliError(`--query-port must be a port number between 1 and 65535 (got ${o.queryPort})`, ExitCode.USAGE);
  const endpoint = o.applicationServer ?? `127.0.0.1:${o.queryPort}`;
  try {
    HostInfo.buildFromEndpoint(endpoint);
  } catch (e) {
    throw new CliError(`--application-server: ${(e as Error).message}`, ExitCode.USAGE);
  }
  return endpoint;
}

/** Listens before the client starts: metadata answers at once, store queries once tasks run (503 until then). */
async function startQueryService(streams: KafkaStreams, topology: Topology, applicationServer: string, o: KafkaRunOptions): Promise<QueryService> {
  // an advertised host other than loopback must be reachable from the other instances
  const listenHost = o.applicationServer === undefined ? '127.0.0.1' : '0.0.0.0';
  const service = new QueryService(streams, topology, { applicationServer, port: o.queryPort, listenHost });
  try {
    await service.start();
  } catch (e) {
    throw new CliError(`cannot serve queries on ${listenHost}:${o.queryPort} (${(e as Error).message}): choose another --query-port`, ExitCode.USAGE);
  }
  o.err(`kstreams: serving interactive queries on http://${listenHost}:${o.queryPort} as ${applicationServer} (kstreams query --server ${applicationServer})\n`);
  return service;
}
