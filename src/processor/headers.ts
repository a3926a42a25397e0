/** One record header, as Kafka carries it. */
export interface Header {
  readonly key: string;
  readonly value: Buffer | null;
}

/** Java's `Headers`: an ordered, mutable list of headers where a key may repeat. */
export class Headers implements Iterable<Header> {
  private readonly entries: Header[];

  constructor(headers: Iterable<Header> = []) {
    this.entries = [...headers];
  }

  add(key: string, value: Buffer | string | null): this {
    this.entries.push({ key, value: typeof value === 'string' ? Buffer.from(value) : value });
    return this;
  }

  remove(key: string): this {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]!.key === key) this.entries.splice(i, 1);
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

  /** A copy, so that a forwarded record's headers can be changed without touching the input's. */
  copy(): Headers {
    return new Headers(this.entries);
  }
}
