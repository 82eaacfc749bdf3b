import { handle } from 'hono/aws-lambda';
import { createFalWebhookApp } from './app.ts';
import { webhookDeps } from './wiring.ts';

export const handler = handle(createFalWebhookApp(webhookDeps()));
