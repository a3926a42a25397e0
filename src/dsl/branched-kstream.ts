import { kstreamBranch, passThrough } from '../operators/kstream-stateless.js';
import type { Branched } from './branched.js';
import { KStream } from './kstream.js';
import type { Named } from './named.js';

/**
 * Java's `BranchedKStream` (`KStream.split()`): each record goes to the first branch whose predicate
 * matches, else to the default branch if there is one. Branch names are the split's name plus the branch's
 * name or its 1-based position.
 */
export class BranchedKStream<K, V> {
  private readonly predicates: Array<(key: K, value: V) => boolean> = [];
  private readonly childNames: string[] = [];
  private defaultChild: string | null = null;
  private readonly outputs = new Map<string, KStream<K, V>>();
  private readonly splitterName: string;

  constructor(
    private readonly source: KStream<K, V>,
    named?: Named,
  ) {
    this.splitterName = source.builder.processorName(named?.name, 'KSTREAM-BRANCH-');
    const splitter = this.splitterName;
    const parent = source.nodeName;
    source.builder.addWriter((b) => b.addProcessor(splitter, kstreamBranch(this.predicates, this.childNames, () => this.defaultChild), parent));
  }

  branch(predicate: (key: K, value: V) => boolean, branched?: Branched<K, V>): this {
    this.predicates.push(predicate);
    this.childNames.push(this.createBranch(branched, this.predicates.length));
    return this;
  }

  defaultBranch(branched?: Branched<K, V>): Map<string, KStream<K, V>> {
    this.defaultChild = this.createBranch(branched, this.predicates.length + 1);
    return this.outputs;
  }

  noDefaultBranch(): Map<string, KStream<K, V>> {
    return this.outputs;
  }

  private createBranch(branched: Branched<K, V> | undefined, index: number): string {
    const childName = this.splitterName + (branched?.name ?? String(index));
    // Java draws a name for each branch (unused) to keep later generated names in step.
    this.source.builder.newProcessorName('KSTREAM-BRANCHCHILD-');
    const src = this.source;
    const splitter = new KStream<K, V>(src.builder, this.splitterName, src.keySerde, src.valueSerde, src.repartitionRequired);
    const branch = splitter.addProcessor<K, V>(childName, passThrough<K, V>(), src.keySerde, src.valueSerde, src.repartitionRequired);
    if (branched?.chainFunction) {
      const result = branched.chainFunction(branch);
      if (result !== null && result !== undefined) this.outputs.set(childName, result);
    } else if (branched?.chainConsumer) {
      branched.chainConsumer(branch);
    } else {
      this.outputs.set(childName, branch);
    }
    return childName;
  }
}
