import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Keeps signing secrets encrypted at rest: only code holding the key (API and delivery functions) reads them. */
export interface SecretBox {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

const VERSION = 'v1';

/**
 * AES-256-GCM under a key derived from `keyMaterial` (any long random string: a Secrets Manager
 * value on AWS, a file in the local data dir). The key is read once, lazily, until a read succeeds.
 */
export function createAesSecretBox(keyMaterial: () => Promise<string>): SecretBox {
  let key: Promise<Buffer> | undefined;
  const getKey = () => {
    // a read that failed (Secrets Manager slow or down) is tried again on the next use, not kept
    key ??= keyMaterial().then(
      (material) => createHash('sha256').update(material).digest(),
      (error: unknown) => {
        key = undefined;
        throw error;
      },
    );
    return key;
  };
  return {
    async seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', await getKey(), iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${iv.toString('base64url')}.${data.toString('base64url')}`;
    },
    async open(sealed) {
      const [version, iv, data] = sealed.split('.');
      if (version !== VERSION || !iv || !data) throw new Error('not a sealed secret');
      const bytes = Buffer.from(data, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', await getKey(), Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([
        decipher.update(bytes.subarray(0, bytes.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
