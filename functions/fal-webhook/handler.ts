import { handle } from 'hono/aws-lambda';
import { productionDeps } from '../core/wiring.ts';
import { createFalWebhookApp } from './app.ts';

export const handler = handle(createFalWebhookApp(productionDeps()));
