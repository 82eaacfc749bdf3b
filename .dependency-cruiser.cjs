/**
 * The architecture as rules (docs/architecture.md): `npm run lint` fails on any of them.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-circles',
      severity: 'error',
      comment:
        'A folder that imports another must not be imported back: untie the circle. (Type-only cycles between files of one folder, such as a job and the types it holds, are not circles of the architecture.)',
      from: { path: '^((?:functions/core|functions|dev|infra)/[^/]+)/' },
      to: { circular: true, viaSomeNot: '^$1/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'core/domain is the functional centre: no adapter, no SDK, no HTTP framework, no I/O.',
      from: { path: '^functions/core/domain/' },
      to: {
        path: [
          '^functions/core/(store|archive|fal|queue|net|safety|http|accounts|jobs|limits)/',
          '^functions/core/(wiring|logger|metrics)\\.ts$',
          'node_modules/(@aws-sdk|@aws-lambda-powertools|hono|@hono|@fal-ai)/',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-no-io-builtins',
      severity: 'error',
      comment:
        'core/domain does no I/O: node:crypto (ids, hashes) and node:net (isIP, parsing only) are pure.',
      from: { path: '^functions/core/domain/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(crypto|net)$' },
    },
    {
      name: 'core-chooses-no-status',
      severity: 'error',
      comment:
        'Core throws its own errors (core/errors.ts); only the HTTP edge (core/http, functions/api, functions/fal-webhook) knows statuses.',
      from: { path: '^functions/core/', pathNot: '^functions/core/http/' },
      to: { path: '^functions/core/http/' },
    },
    {
      name: 'limits-below-jobs',
      severity: 'error',
      comment: 'limits/ is pool bookkeeping (slots, queues, spend); the job use cases sit above it.',
      from: { path: '^functions/core/limits/' },
      to: { path: '^functions/core/jobs/' },
    },
    {
      name: 'functions-are-independent',
      severity: 'error',
      comment: 'A function imports core, never another function.',
      from: { path: '^functions/([^/]+)/', pathNot: '^functions/core/' },
      to: { path: '^functions/([^/]+)/', pathNot: ['^functions/core/', '^functions/$1/'] },
    },
    {
      name: 'core-has-no-handlers',
      severity: 'error',
      comment: 'core is shared by every function and must not depend on one of them.',
      from: { path: '^functions/core/' },
      to: { path: '^functions/', pathNot: '^functions/core/' },
    },
    {
      name: 'dev-stays-out-of-functions',
      severity: 'error',
      comment: 'The local stack, emulator, chaos and bench never ship in a Lambda bundle.',
      from: { path: '^functions/' },
      to: { path: '^(dev|test|infra)/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'The studio (functions/api/web/) runs in the browser and imports by URL (/assets/…).',
      from: { pathNot: '^functions/api/web/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|\\.data)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
