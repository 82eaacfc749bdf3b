import type { Context, Env, Handler, Hono, MiddlewareHandler } from 'hono';

/** Where a lazily built route group finds the variables the app's middleware set (tenant, key). */
const INHERITED = Symbol('inherited variables');

type InheritingBindings = { [INHERITED]?: Record<string, unknown> };

/** `load` run once, on the first call; a failed load (a missing chunk) is tried again, not remembered. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

/**
 * Serves requests by a route group built on first use (`group` from onFirstUse: its `import()` is a
 * chunk of the bundle, so a cold start does not build the group's schemas), each handed to the group
 * with the variables set so far. The group rethrows its errors (`rethrowErrors`), so the app's error
 * handler answers them and its middleware sees them, as if the routes were the app's own.
 */
export function lazyRoutes<E extends Env>(group: () => Promise<Hono<E>>): Handler<E> {
  return async (c: Context<E>) => {
    const env = { ...(c.env as object), [INHERITED]: { ...c.var } };
    const answer = await (await group()).fetch(c.req.raw, env);
    // through the app's context, so headers set before this (none today) and after it both apply
    return c.newResponse(answer.body, answer);
  };
}

/** A group's first middleware: the app's variables, as if the group's routes were the app's own. */
export function inheritVariables(): MiddlewareHandler {
  return async function inheritVariables(c, next) {
    const inherited = (c.env as InheritingBindings | undefined)?.[INHERITED] ?? {};
    for (const [name, value] of Object.entries(inherited)) c.set(name as never, value as never);
    await next();
  };
}

/** A group's errors go to the app's error handler, the one place that renders the envelope. */
export const rethrowErrors = (error: Error): never => {
  throw error;
};
