import { isLosslessNumber } from 'lossless-json';

/**
 * Serialises a value exactly as fal's Python sender does:
 * `json.dumps(value, sort_keys=True)` with the default `", "` / `": "` separators and ensure_ascii.
 * bigint and lossless-json numbers are written verbatim so seeds above 2^53 survive.
 */
export function toFalWireJson(value: unknown): string {
  return write(value, false);
}

function write(value: unknown, inArray: boolean): string {
  if (value === null) return 'null';
  if (value === undefined) {
    // Python has no undefined; JSON.stringify's habit (null inside arrays) is the least surprising.
    if (inArray) return 'null';
    throw new TypeError('toFalWireJson: undefined is not serialisable');
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return quote(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return pythonNumber(value);
    case 'object':
      return writeObject(value);
    default:
      throw new TypeError(`toFalWireJson: cannot serialise a ${typeof value}`);
  }
}

function writeObject(value: object): string {
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return `[${value.map((item) => write(item, true)).join(', ')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => compareCodePoints(a, b));
  return `{${entries.map(([k, v]) => `${quote(k)}: ${write(v, false)}`).join(', ')}}`;
}

// Python sorts str keys by code point; JS's default sort compares UTF-16 units, which differs above U+FFFF.
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

// ensure_ascii: everything outside printable ASCII becomes \uXXXX (lower-case hex, one per UTF-16 unit).
function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// Python's float repr: shortest round-trip digits, exponent form when exp < -4 or exp >= 16.
function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  // A safe JS integer is a Python int on the wire (JS cannot tell 2 from 2.0; exact big ints come as bigint).
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  const [mantissa = '0', expText = '0'] = value.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length > exp + 1) body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return negative ? `-${body}` : body;
}
