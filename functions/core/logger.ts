import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger for every function; level from POWERTOOLS_LOG_LEVEL (SILENT in tests). */
export const logger = new Logger({ serviceName: 'reelay' });
export type { Logger };
