import { handle } from 'hono/aws-lambda';
import { productionDeps } from '../core/wiring.ts';
import { createApiApp } from './app.ts';

export const handler = handle(createApiApp(productionDeps()));
