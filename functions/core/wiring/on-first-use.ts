/** An adapter whose every method answers a promise: what can be built on its first call. */
type AsyncAdapter<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never;
};

/**
 * The adapter `load` builds, imported and built on its first call rather than at init: a container
 * that never calls it (a poll never touches S3, a quiet reconciler minute never calls fal) never
 * reads its SDK. `methods` names every method (the type checks it), so the stand-in has each one.
 * A failed load fails the call and is tried again on the next (a module that threw while it was
 * evaluated stays failed: Node keeps it so, and each call fails the same way).
 */
export function onFirstUse<T extends AsyncAdapter<T>>(
  load: () => Promise<T>,
  methods: { [K in keyof T]: true },
): T {
  let loading: Promise<T> | undefined;
  const loaded = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
  const adapter: Partial<Record<keyof T, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of Object.keys(methods) as (keyof T)[])
    adapter[method] = async (...args) => {
      const real = await loaded();
      return (real[method] as (...args: unknown[]) => Promise<unknown>).apply(real, args);
    };
  return adapter as T;
}
