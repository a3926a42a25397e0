import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { KeyValue } from '../state/key-value.js';
import type { MaybePromise } from '../util/maybe-promise.js';

/**
 * The stateless KStream operators: each is a small processor that maps, filters or fans out a record and
 * forwards the result, synchronously (no promise unless a downstream processor is asynchronous).
 */
function processor<KIn, VIn, KOut, VOut>(
  body: (ctx: ProcessorContext<KOut, VOut>, r: Record<KIn, VIn>) => MaybePromise<void>,
): ProcessorSupplier<KIn, VIn, KOut, VOut> {
  return (): Processor<KIn, VIn, KOut, VOut> => {
    let ctx: ProcessorContext<KOut, VOut>;
    return {
      init(c) {
        ctx = c;
      },
      process: (r) => body(ctx, r),
    };
  };
}

/** Forwards each record in turn; the context keeps them in order even if a child is asynchronous. */
function forwardEach<K, V>(ctx: ProcessorContext<K, V>, records: Iterable<Record<K, V>>): MaybePromise<void> {
  let last: MaybePromise<void> = undefined;
  for (const r of records) last = ctx.forward(r);
  return last;
}

export const kstreamFilter = <K, V>(predicate: (k: K, v: V) => boolean, filterNot: boolean) =>
  processor<K, V, K, V>((ctx, r) => (predicate(r.key, r.value) !== filterNot ? ctx.forward(r) : undefined));

export const kstreamMap = <K, V, KR, VR>(mapper: (k: K, v: V) => KeyValue<KR, VR>) =>
  processor<K, V, KR, VR>((ctx, r) => {
    const kv = mapper(r.key, r.value);
    if (kv === null || kv === undefined) throw new TypeError('The provided KeyValueMapper returned null which is not allowed.');
    return ctx.forward(r.withKey(kv.key).withValue(kv.value));
  });

export const kstreamSelectKey = <K, V, KR>(mapper: (k: K, v: V) => KR) =>
  processor<K, V, KR, V>((ctx, r) => ctx.forward(r.withKey(mapper(r.key, r.value))));

export const kstreamMapValues = <K, V, VR>(mapper: (k: K, v: V) => VR) =>
  processor<K, V, K, VR>((ctx, r) => ctx.forward(r.withValue(mapper(r.key, r.value))));

export const kstreamFlatMap = <K, V, KR, VR>(mapper: (k: K, v: V) => Iterable<KeyValue<KR, VR>>) =>
  processor<K, V, KR, VR>((ctx, r) => {
    const out: Record<KR, VR>[] = [];
    for (const kv of mapper(r.key, r.value)) out.push(r.withKey(kv.key).withValue(kv.value));
    return forwardEach(ctx, out);
  });

export const kstreamFlatMapValues = <K, V, VR>(mapper: (k: K, v: V) => Iterable<VR>) =>
  processor<K, V, K, VR>((ctx, r) => {
    const out: Record<K, VR>[] = [];
    for (const v of mapper(r.key, r.value)) out.push(r.withValue(v));
    return forwardEach(ctx, out);
  });

/** `peek` forwards the record after the action; `foreach` is a terminal peek. */
export const kstreamPeek = <K, V>(action: (k: K, v: V) => void, forward: boolean) =>
  processor<K, V, K, V>((ctx, r) => {
    action(r.key, r.value);
    return forward ? ctx.forward(r) : undefined;
  });

export const passThrough = <K, V>() => processor<K, V, K, V>((ctx, r) => ctx.forward(r));

/** Java's `KStreamBranch`: the first matching predicate's child gets the record; else the default, if any. */
export const kstreamBranch = <K, V>(
  predicates: ReadonlyArray<(k: K, v: V) => boolean>,
  childNames: readonly string[],
  defaultChild: () => string | null,
) =>
  processor<K, V, K, V>((ctx, r) => {
    for (let i = 0; i < predicates.length; i++) {
      if (predicates[i]!(r.key, r.value)) return ctx.forward(r, childNames[i]);
    }
    const d = defaultChild();
    return d === null ? undefined : ctx.forward(r, d);
  });

/** Drops records whose key is null before a repartition topic (their partition would be arbitrary). */
export const nullKeyFilter = <K, V>() => processor<K, V, K, V>((ctx, r) => (r.key === null || r.key === undefined ? undefined : ctx.forward(r)));
