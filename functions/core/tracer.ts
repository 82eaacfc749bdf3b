import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray through Powertools, made once per container. In Lambda (tracing Active) it turns the AWS
 * SDK clients it is given and every fetch (the calls to fal) into subsegments; anywhere else (the
 * local stack, tests) it is off and changes nothing.
 */
export const tracer = new Tracer({ serviceName: 'reelay' });
