import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** A test signer that signs the way fal's documentation says, independent of the emulator. */
export function falSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'EdDSA' },
    headers(
      body: Uint8Array,
      options: { requestId: string; timestamp?: number; key?: KeyObject; userId?: string },
    ) {
      const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
      const userId = options.userId ?? 'user-1';
      const digest = createHash('sha256').update(body).digest('hex');
      const message = Buffer.from(`${options.requestId}\n${userId}\n${timestamp}\n${digest}`);
      return {
        'x-fal-webhook-request-id': options.requestId,
        'x-fal-webhook-user-id': userId,
        'x-fal-webhook-timestamp': timestamp,
        'x-fal-webhook-signature': sign(null, message, options.key ?? privateKey).toString('hex'),
      };
    },
  };
}
