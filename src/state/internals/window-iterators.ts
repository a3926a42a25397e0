import { InvalidStateStoreError, NoSuchElementError } from '../../errors/streams-error.js';
import { isPromise, thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { AbstractKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator } from '../state-store.js';

/*
 * Iterators shared by the window and session stores. All of them accept inner iterators that answer
 * synchronously (in-memory stores) or not (LevelDB), and stay synchronous when their inputs are.
 */

/**
 * Reads an iterator (or a promise of one) to the end into an array and closes it; synchronous when the
 * iterator is. The window operators read their (small, bounded) fetches this way.
 */
export function drain<K, V>(iterator: MaybePromise<KeyValueIterator<K, V>>): MaybePromise<Array<KeyValue<K, V>>> {
  return thenMaybe(iterator, (it) => {
    const out: Array<KeyValue<K, V>> = [];
    const step = (): MaybePromise<Array<KeyValue<K, V>>> => {
      for (;;) {
        const has = it.hasNext();
        if (isPromise(has)) return has.then((h) => (h ? thenMaybe(it.next(), (kv) => (out.push(kv), step())) : closeThen(it, out)));
        if (!has) return closeThen(it, out);
        const kv = it.next();
        if (isPromise(kv)) return kv.then((v) => (out.push(v), step()));
        out.push(kv);
      }
    };
    try {
      return step();
    } catch (e) {
      void it.close();
      throw e;
    }
  });
}

function closeThen<T>(it: KeyValueIterator<unknown, unknown>, value: T): MaybePromise<T> {
  return thenMaybe(it.close(), () => value);
}

/**
 * Java's `SegmentIterator`: walks several inner iterators one after the other (segments, oldest first or
 * newest first), opening each only when the previous one is exhausted, keeps the entries `accept` likes
 * and maps them.
 */
export class ChainedIterator<KIn, VIn, KOut, VOut> extends AbstractKeyValueIterator<KOut, VOut> {
  private index = 0;
  private current: KeyValueIterator<KIn, VIn> | null = null;
  private peeked: KeyValue<KOut, VOut> | null = null;
  private closed = false;

  constructor(
    private readonly sources: ReadonlyArray<() => MaybePromise<KeyValueIterator<KIn, VIn>>>,
    private readonly accept: (key: KIn) => boolean,
    private readonly map: (entry: KeyValue<KIn, VIn>) => KeyValue<KOut, VOut>,
  ) {
    super();
  }

  /** Positions `peeked` on the next accepted entry (or leaves it null at the end). */
  private advance(): MaybePromise<void> {
    while (this.peeked === null && !this.closed) {
      const current = this.current;
      if (current === null) {
        if (this.index >= this.sources.length) return;
        const opened = this.sources[this.index++]!();
        if (isPromise(opened)) return opened.then((it) => ((this.current = it), this.advance()));
        this.current = opened;
        continue;
      }
      const has = current.hasNext();
      if (isPromise(has)) return has.then((h) => thenMaybe(this.afterHasNext(current, h), () => this.advance()));
      const r = this.afterHasNext(current, has);
      if (r !== undefined) return r;
    }
  }

  private afterHasNext(current: KeyValueIterator<KIn, VIn>, has: boolean): MaybePromise<void> {
    if (!has) {
      this.current = null;
      const closed = current.close();
      return isPromise(closed) ? closed.then(() => this.advance()) : undefined;
    }
    const kv = current.next();
    if (isPromise(kv)) return kv.then((e) => (this.take(e), this.advance()));
    this.take(kv);
    return undefined;
  }

  private take(entry: KeyValue<KIn, VIn>): void {
    if (this.accept(entry.key)) this.peeked = this.map(entry);
  }

  hasNext(): MaybePromise<boolean> {
    return thenMaybe(this.advance(), () => this.peeked !== null);
  }

  next(): MaybePromise<KeyValue<KOut, VOut>> {
    return thenMaybe(this.advance(), () => {
      const e = this.peeked;
      if (e === null) throw new NoSuchElementError('The iterator has no more entries');
      this.peeked = null;
      return e;
    });
  }

  peekNextKey(): MaybePromise<KOut> {
    return thenMaybe(this.advance(), () => {
      if (this.peeked === null) throw new NoSuchElementError('The iterator has no more entries');
      return this.peeked.key;
    });
  }

  close(): MaybePromise<void> {
    this.closed = true;
    this.peeked = null;
    const current = this.current;
    this.current = null;
    return current?.close();
  }
}

/**
 * Java's `MergedSortedCacheWindowStoreIterator` (and its session and key-value siblings): the entries of
 * a store overlaid with the cached ones, in the store's iteration order (`compare`, already applied to
 * `cached`). On equal keys the cached entry wins; a cached null (a pending delete) hides the store's entry.
 */
export class MergedSortedIterator<K, V> extends AbstractKeyValueIterator<K, V> {
  private ci = 0;
  private storePeek: KeyValue<K, V> | null = null;
  private storeDone = false;
  private nextEntry: KeyValue<K, V> | null = null;
  private closed = false;

  constructor(
    private readonly cached: ReadonlyArray<{ key: K; value: V | null }>,
    private readonly store: KeyValueIterator<K, V>,
    private readonly compare: (a: K, b: K) => number,
  ) {
    super();
  }

  private advance(): MaybePromise<void> {
    if (this.closed) throw new InvalidStateStoreError('The iterator has already been closed');
    while (this.nextEntry === null) {
      if (this.storePeek === null && !this.storeDone) {
        const has = this.store.hasNext();
        if (isPromise(has)) return has.then((h) => this.fillStore(h)).then(() => this.advance());
        const r = this.fillStore(has);
        if (r !== undefined) return r.then(() => this.advance());
      }
      const c = this.cached[this.ci];
      const s = this.storePeek;
      if (c === undefined && s === null) return;
      const order = c === undefined ? 1 : s === null ? -1 : this.compare(c.key, s.key);
      if (c !== undefined && order <= 0) {
        this.ci++;
        if (order === 0) this.storePeek = null;
        if (c.value !== null) this.nextEntry = { key: c.key, value: c.value };
      } else {
        this.storePeek = null;
        this.nextEntry = s;
      }
    }
  }

  private fillStore(has: boolean): Promise<void> | undefined {
    if (!has) {
      this.storeDone = true;
      return undefined;
    }
    const kv = this.store.next();
    if (isPromise(kv)) return kv.then((e) => void (this.storePeek = e));
    this.storePeek = kv;
    return undefined;
  }

  hasNext(): MaybePromise<boolean> {
    return thenMaybe(this.advance(), () => this.nextEntry !== null);
  }

  next(): MaybePromise<KeyValue<K, V>> {
    return thenMaybe(this.advance(), () => {
      const e = this.nextEntry;
      if (e === null) throw new NoSuchElementError('The iterator has no more entries');
      this.nextEntry = null;
      return e;
    });
  }

  peekNextKey(): MaybePromise<K> {
    return thenMaybe(this.advance(), () => {
      if (this.nextEntry === null) throw new NoSuchElementError('The iterator has no more entries');
      return this.nextEntry.key;
    });
  }

  close(): MaybePromise<void> {
    this.closed = true;
    return this.store.close();
  }
}
