/**
 * An insertion-ordered simulation of `java.util.TreeSet` (a red-black tree) for a comparator whose answers
 * change over time. Java's describe() puts nodes into TreeSets ordered by sub-tree size *while sizes are
 * still growing*, so the printed order depends on the comparisons made at each insertion and on the tree's
 * shape after rebalancing. Iterating in order gives exactly what Java's TreeSet iterator gives.
 */
interface TreeNode<T> {
  value: T;
  left: TreeNode<T> | null;
  right: TreeNode<T> | null;
  parent: TreeNode<T> | null;
  red: boolean;
}

export class OrderedTreeSet<T> {
  private root: TreeNode<T> | null = null;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  add(value: T): void {
    if (this.root === null) {
      this.root = { value, left: null, right: null, parent: null, red: false };
      return;
    }
    let parent = this.root;
    for (;;) {
      const c = this.compare(value, parent.value);
      if (c === 0) return;
      const next = c < 0 ? parent.left : parent.right;
      if (next === null) {
        const node: TreeNode<T> = { value, left: null, right: null, parent, red: true };
        if (c < 0) parent.left = node;
        else parent.right = node;
        this.rebalance(node);
        return;
      }
      parent = next;
    }
  }

  toArray(): T[] {
    const out: T[] = [];
    const walk = (n: TreeNode<T> | null): void => {
      if (n === null) return;
      walk(n.left);
      out.push(n.value);
      walk(n.right);
    };
    walk(this.root);
    return out;
  }

  get size(): number {
    return this.toArray().length;
  }

  private rebalance(start: TreeNode<T>): void {
    let x: TreeNode<T> = start;
    while (x.parent !== null && x.parent.red) {
      const p: TreeNode<T> = x.parent;
      const g = p.parent!;
      if (p === g.left) {
        const uncle = g.right;
        if (uncle !== null && uncle.red) {
          p.red = false;
          uncle.red = false;
          g.red = true;
          x = g;
        } else {
          if (x === p.right) {
            x = p;
            this.rotateLeft(x);
          }
          x.parent!.red = false;
          g.red = true;
          this.rotateRight(g);
        }
      } else {
        const uncle = g.left;
        if (uncle !== null && uncle.red) {
          p.red = false;
          uncle.red = false;
          g.red = true;
          x = g;
        } else {
          if (x === p.left) {
            x = p;
            this.rotateRight(x);
          }
          x.parent!.red = false;
          g.red = true;
          this.rotateLeft(g);
        }
      }
    }
    this.root!.red = false;
  }

  private rotateLeft(n: TreeNode<T>): void {
    const r = n.right!;
    n.right = r.left;
    if (r.left !== null) r.left.parent = n;
    this.replaceChild(n, r);
    r.left = n;
    n.parent = r;
  }

  private rotateRight(n: TreeNode<T>): void {
    const l = n.left!;
    n.left = l.right;
    if (l.right !== null) l.right.parent = n;
    this.replaceChild(n, l);
    l.right = n;
    n.parent = l;
  }

  private replaceChild(old: TreeNode<T>, replacement: TreeNode<T>): void {
    replacement.parent = old.parent;
    if (old.parent === null) this.root = replacement;
    else if (old === old.parent.left) old.parent.left = replacement;
    else old.parent.right = replacement;
  }
}
