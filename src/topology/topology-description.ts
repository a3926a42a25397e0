import { javaSetToString } from './java-order.js';

/** Java's `TopologyDescription.Node`. */
export interface NodeDescription {
  name(): string;
  predecessors(): readonly NodeDescription[];
  successors(): readonly NodeDescription[];
  toString(): string;
}

function nodeNames(nodes: readonly NodeDescription[]): string {
  return nodes.length === 0 ? 'none' : nodes.map((n) => n.name()).join(', ');
}

abstract class AbstractNodeDescription implements NodeDescription {
  /** Filled by the builder in Java's (insertion-time) TreeSet order. */
  preds: NodeDescription[] = [];
  succs: NodeDescription[] = [];
  constructor(private readonly nodeName: string) {}
  name(): string {
    return this.nodeName;
  }
  predecessors(): readonly NodeDescription[] {
    return this.preds;
  }
  successors(): readonly NodeDescription[] {
    return this.succs;
  }
  protected successorNames(): string {
    return nodeNames(this.succs);
  }
  protected predecessorNames(): string {
    return nodeNames(this.preds);
  }
}

export class SourceDescription extends AbstractNodeDescription {
  constructor(
    name: string,
    private readonly topics: readonly string[] | null,
    private readonly pattern: RegExp | null,
  ) {
    super(name);
  }
  topicSet(): readonly string[] | null {
    return this.topics;
  }
  topicPattern(): RegExp | null {
    return this.pattern;
  }
  override toString(): string {
    const topics = this.topics === null ? this.pattern!.source : javaSetToString(this.topics);
    return `Source: ${this.name()} (topics: ${topics})\n      --> ${this.successorNames()}`;
  }
}

export class ProcessorDescription extends AbstractNodeDescription {
  constructor(
    name: string,
    private readonly storeNames: readonly string[],
  ) {
    super(name);
  }
  stores(): readonly string[] {
    return this.storeNames;
  }
  override toString(): string {
    return `Processor: ${this.name()} (stores: ${javaSetToString(this.storeNames)})\n      --> ${this.successorNames()}\n      <-- ${this.predecessorNames()}`;
  }
}

export class SinkDescription extends AbstractNodeDescription {
  constructor(
    name: string,
    private readonly topicName: string | null,
    private readonly extractorName: string | null,
  ) {
    super(name);
  }
  topic(): string | null {
    return this.topicName;
  }
  override toString(): string {
    const target = this.topicName !== null ? `topic: ${this.topicName}` : `extractor class: ${this.extractorName}`;
    return `Sink: ${this.name()} (${target})\n      <-- ${this.predecessorNames()}`;
  }
}

/** Java's `TopologyDescription.Subtopology`. */
export class SubtopologyDescription {
  constructor(
    private readonly subtopologyId: number,
    private readonly nodeList: readonly NodeDescription[],
  ) {}
  id(): number {
    return this.subtopologyId;
  }
  nodes(): readonly NodeDescription[] {
    return this.nodeList;
  }
  toString(): string {
    return `Sub-topology: ${this.subtopologyId}\n${this.nodeList.map((n) => `    ${n.toString()}\n`).join('')}\n`;
  }
}

/** Java's `TopologyDescription.GlobalStore`. */
export class GlobalStoreDescription {
  constructor(
    private readonly storeId: number,
    private readonly sourceNode: SourceDescription,
    private readonly processorNode: ProcessorDescription,
  ) {}
  id(): number {
    return this.storeId;
  }
  source(): SourceDescription {
    return this.sourceNode;
  }
  processor(): ProcessorDescription {
    return this.processorNode;
  }
  toString(): string {
    return (
      `Sub-topology: ${this.storeId} for global store (will not generate tasks)\n` +
      `    ${this.sourceNode.toString()}\n    ${this.processorNode.toString()}\n`
    );
  }
}

/** Java's `TopologyDescription`; `toString()` prints Java's text. */
export class TopologyDescription {
  constructor(
    private readonly subtopologyList: readonly SubtopologyDescription[],
    private readonly globalStoreList: readonly GlobalStoreDescription[],
  ) {}
  subtopologies(): readonly SubtopologyDescription[] {
    return this.subtopologyList;
  }
  globalStores(): readonly GlobalStoreDescription[] {
    return this.globalStoreList;
  }
  toString(): string {
    // Sub-topologies and global stores share one id sequence; print them in id order.
    const all = [...this.subtopologyList, ...this.globalStoreList].sort((a, b) => a.id() - b.id());
    return `Topologies:\n ${all.map((s) => `  ${s.toString()}`).join('')}`;
  }
}
