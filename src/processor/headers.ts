/** One record header, as Kafka carries it. */
export interface Header {
  readonly key: string;
  readonly value: Buffer | null;
}

/**
 * Java's `Headers`: an ordered, mutable list of headers where a key may repeat.
 *
 * `copy()` is copy-on-write: a copy shares the list until either side changes it. Every `Record` copies
 * the headers it is given (as Java's does), so this keeps that cheap on the per-record path.
 */
export class Headers implements Iterable<Header> {
  private entries: Header[];
  /** True when `entries` may be shared with a copy: the next change must copy it first. */
  private shared = false;

  constructor(headers: Iterable<Header> = []) {
    this.entries = [...headers];
  }

  add(key: string, value: Buffer | string | null): this {
    this.writable().push({ key, value: typeof value === 'string' ? Buffer.from(value) : value });
    return this;
  }

  remove(key: string): this {
    if (!this.entries.some((h) => h.key === key)) return this;
    const entries = this.writable();
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.key === key) entries.splice(i, 1);
    return this;
  }

  lastHeader(key: string): Header | null {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]!.key === key) return this.entries[i]!;
    return null;
  }

  headers(key: string): Header[] {
    return this.entries.filter((h) => h.key === key);
  }

  toArray(): Header[] {
    return [...this.entries];
  }

  get size(): number {
    return this.entries.length;
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.entries[Symbol.iterator]();
  }

  /** An independent copy: changes to either side are not seen by the other. */
  copy(): Headers {
    const c = new Headers();
    c.entries = this.entries;
    c.shared = this.shared = true;
    return c;
  }

  /**
   * @internal True when `other` is this object or an unchanged copy of it (or it of `other`): a cheap
   * "same headers" test for the engine, which need not compare contents.
   */
  sameAs(other: Headers): boolean {
    return other === this || other.entries === this.entries;
  }

  private writable(): Header[] {
    if (this.shared) {
      this.entries = [...this.entries];
      this.shared = false;
    }
    return this.entries;
  }
}
