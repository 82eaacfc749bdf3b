import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process: on Lambda one sandbox, locally one `npm start`. */
const INSTANCE = `${hostname()}:${process.pid}`;

/** A holder id unique to one attempt: `<host>:<pid>/<random>`, so logs show which process held a lease. */
export function newLeaseHolder(): string {
  return `${INSTANCE}/${randomBytes(6).toString('hex')}`;
}
