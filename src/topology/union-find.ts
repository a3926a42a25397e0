/** Groups node names that must run in the same task (connected by edges or shared stores). */
export class UnionFind {
  private readonly parent = new Map<string, string>();

  add(name: string): void {
    if (!this.parent.has(name)) this.parent.set(name, name);
  }

  root(name: string): string {
    let r = name;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    // path compression
    let n = name;
    while (n !== r) {
      const next = this.parent.get(n)!;
      this.parent.set(n, r);
      n = next;
    }
    return r;
  }

  unite(name: string, ...others: string[]): void {
    const r = this.root(name);
    for (const o of others) {
      const ro = this.root(o);
      if (ro !== r) this.parent.set(ro, r);
    }
  }
}
