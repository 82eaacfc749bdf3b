import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface Measured {
  stream: Transform;
  /** Valid once the stream has ended. */
  result(): { bytes: number; sha256: string };
}

/** Passes bytes through while counting them and hashing them with SHA-256, in one pass. */
export function measuring(): Measured {
  const hash = createHash('sha256');
  let bytes = 0;
  let digest: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      digest = hash.digest('hex');
      done();
    },
  });
  return {
    stream,
    result() {
      if (digest === undefined) throw new Error('stream has not ended');
      return { bytes, sha256: digest };
    },
  };
}
