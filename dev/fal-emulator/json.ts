import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

// Safe numbers stay numbers; integers beyond 2^53 become bigint so seeds survive a round trip.
function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** JSON.parse that keeps big integers exact (throws SyntaxError like JSON.parse). */
export function parseJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** JSON.stringify that writes bigint exactly (compact, insertion order: how fal's HTTP answers look). */
export function stringifyJson(value: unknown, indent?: number): string {
  return stringify(value, undefined, indent) ?? 'null';
}

/** A JSON HTTP answer; built by hand because c.json() cannot carry bigint or a 499. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(stringifyJson(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
