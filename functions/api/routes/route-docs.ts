import { ErrorBody } from '../schemas.ts';

/** The error answers a route documents, each in the API's envelope. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: 'Error', content: { 'application/json': { schema: ErrorBody } } },
    ]),
  );

/** A JSON answer of `schema`. */
export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Every /v1 route takes the API key as a bearer token. */
export const security = [{ Bearer: [] }];
