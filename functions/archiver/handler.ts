import { createArchiverHandler } from './archiver.ts';
import { archiverDeps } from './wiring.ts';

export const handler = createArchiverHandler(archiverDeps());
