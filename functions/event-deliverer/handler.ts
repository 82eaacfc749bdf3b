import { productionDeps } from '../core/wiring.ts';
import { createEventDelivererHandler } from './deliverer.ts';

export const handler = createEventDelivererHandler(productionDeps());
