import type { TopologyDescription, NodeDescription } from '../index.js';
import { ProcessorDescription, SinkDescription, SourceDescription } from '../topology/topology-description.js';

/**
 * A Mermaid flowchart of a topology: one subgraph per sub-topology with its processors; topics as
 * parallelograms (sources read them, sinks write them: a repartition topic links two sub-topologies) and
 * state stores as cylinders attached to the processors that use them.
 */
export function toMermaid(description: TopologyDescription): string {
  const lines = ['flowchart LR'];
  const topics = new Set<string>();
  const stores = new Set<string>();
  const edges: string[] = [];
  const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const label = (text: string) => text.replace(/"/g, '#quot;');
  const node = (n: NodeDescription) => id('n', n.name());
  const addNode = (n: NodeDescription, indent: string) => {
    lines.push(`${indent}${node(n)}["${label(n.name())}"]`);
    for (const s of n.successors()) edges.push(`  ${node(n)} --> ${node(s)}`);
    if (n instanceof SourceDescription) {
      for (const t of n.topicSet() ?? [`/${n.topicPattern()?.source ?? ''}/`]) {
        topics.add(t);
        edges.push(`  ${id('t', t)} --> ${node(n)}`);
      }
    } else if (n instanceof SinkDescription) {
      const t = n.topic() ?? '(topic extractor)';
      topics.add(t);
      edges.push(`  ${node(n)} --> ${id('t', t)}`);
    } else if (n instanceof ProcessorDescription) {
      for (const s of n.stores()) {
        stores.add(s);
        edges.push(`  ${node(n)} -.- ${id('s', s)}`);
      }
    }
  };
  for (const sub of description.subtopologies()) {
    lines.push(`  subgraph sub${sub.id()}["Sub-topology ${sub.id()}"]`);
    for (const n of sub.nodes()) addNode(n, '    ');
    lines.push('  end');
  }
  for (const g of description.globalStores()) {
    lines.push(`  subgraph global${g.id()}["Global store (sub-topology ${g.id()})"]`);
    addNode(g.source(), '    ');
    addNode(g.processor(), '    ');
    lines.push('  end');
  }
  for (const t of topics) lines.push(`  ${id('t', t)}[/"${label(t)}"/]`);
  for (const s of stores) lines.push(`  ${id('s', s)}[("${label(s)}")]`);
  lines.push(...edges);
  lines.push('  classDef topic fill:#fff3cd,stroke:#b58900;', '  classDef store fill:#e0f0ff,stroke:#268bd2;');
  if (topics.size > 0) lines.push(`  class ${[...topics].map((t) => id('t', t)).join(',')} topic;`);
  if (stores.size > 0) lines.push(`  class ${[...stores].map((s) => id('s', s)).join(',')} store;`);
  return lines.join('\n');
}
