import { describe, expect, it } from 'vitest';
import { Consumed, JoinWindows, Materialized, Serdes, SessionWindows, StreamsBuilder, TimeWindows } from '../../src/index.js';
import { TopologyMetadata } from '../../src/runtime/topology-metadata.js';

const S = Serdes.String();
const DAY = 24 * 60 * 60 * 1000;

/** Changelog topic -> configs the runtime would create it with, for one topology. */
function changelogConfigs(build: (b: StreamsBuilder) => void, additionalRetentionMs?: number): Record<string, Record<string, string>> {
  const b = new StreamsBuilder();
  build(b);
  const metadata = new TopologyMetadata(b.build().internalTopologyBuilder, 'app', additionalRetentionMs);
  return Object.fromEntries(metadata.subtopologies.flatMap((s) => s.changelogTopics.map((c) => [c.topic, c.configs])));
}

describe('changelog topic configs (Java: UnwindowedChangelogTopicConfig / WindowedChangelogTopicConfig)', () => {
  it('a key-value store changelog is compacted', () => {
    const configs = changelogConfigs((b) => void b.stream<string, string>('in', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts')));
    expect(configs).toEqual({ 'app-counts-changelog': { 'cleanup.policy': 'compact' } });
  });

  it('a window store changelog is compact,delete with the store retention plus one day', () => {
    const configs = changelogConfigs((b) =>
      void b
        .stream<string, string>('in', Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 30_000))
        .count(Materialized.as('windowed')),
    );
    // retention = size + grace (the DSL default) = 90 s
    expect(configs).toEqual({ 'app-windowed-changelog': { 'cleanup.policy': 'compact,delete', 'retention.ms': String(90_000 + DAY) } });
  });

  it('session and join store changelogs too; the margin follows windowstore.changelog.additional.retention.ms; user configs win', () => {
    const configs = changelogConfigs((b) => {
      const left = b.stream<string, string>('left', Consumed.with(S, S));
      left
        .groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(1_000, 500))
        .count(Materialized.as<string, number>('sessions').withLoggingEnabled({ 'min.insync.replicas': '2' }));
      left.join(b.stream<string, string>('right', Consumed.with(S, S)), (l, r) => l + r, JoinWindows.ofTimeDifferenceAndGrace(100, 50)).to('out');
    }, 1_000);
    expect(configs['app-sessions-changelog']).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(1_500 + 1_000), 'min.insync.replicas': '2' });
    // join stores retain 2 x 100 ms + 50 ms grace
    const joinTopics = Object.keys(configs).filter((t) => t.includes('JOIN'));
    expect(joinTopics).toHaveLength(2);
    for (const t of joinTopics) expect(configs[t]).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(250 + 1_000) });
  });
});
