import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { API_GUIDE, withResponseHeaders } from './openapi-guide.ts';
import type { V1Routes } from './v1-routes.ts';

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Health check (no key needed)',
  responses: {
    200: {
      description: 'The function answers',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

/** The OpenAPI 3.1 document of `/healthz` and every /v1 route, as `GET /openapi.json` serves it. */
export function openApiDocument(v1: V1Routes) {
  const doc = new OpenAPIHono();
  doc.openAPIRegistry.registerPath(healthRoute);
  doc.route('/', v1);
  doc.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  return withResponseHeaders(
    doc.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'Reelay', version: '0.1.0', description: API_GUIDE },
    }),
  );
}
