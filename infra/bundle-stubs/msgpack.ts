/**
 * Stands in for `@msgpack/msgpack` in the function bundles (infra/bundling.ts). `@fal-ai/client`
 * requires it at load for its realtime (WebSocket) client only, which Reelay never opens; the queue,
 * storage and result calls Reelay makes are JSON. Should a call ever reach it, it fails loudly.
 */
function unbundled(): never {
  throw new Error('@msgpack/msgpack is not bundled: fal realtime is not used by Reelay (infra/bundle-stubs)');
}

export const encode = unbundled;
export const decode = unbundled;
