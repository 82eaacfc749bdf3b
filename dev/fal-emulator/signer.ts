import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';

/** The key pair as persisted in the state file. */
export interface StoredKey {
  privateKeyPkcs8: string; // base64 DER
}

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface WebhookSignatureHeaders {
  'X-Fal-Webhook-Request-Id': string;
  'X-Fal-Webhook-User-Id': string;
  'X-Fal-Webhook-Timestamp': string;
  'X-Fal-Webhook-Signature': string;
}

/** Signs webhooks like fal: ED25519 over `request_id\nuser_id\ntimestamp\nhex(sha256(body))`. */
export class WebhookSigner {
  readonly #privateKey: KeyObject;
  readonly jwk: PublicJwk;

  constructor(stored?: StoredKey) {
    this.#privateKey = stored
      ? createPrivateKey({ key: Buffer.from(stored.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' })
      : generateKeyPairSync('ed25519').privateKey;
    const x = createPublicKey(this.#privateKey).export({ format: 'jwk' }).x ?? '';
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x, kid: thumbprint(x), use: 'sig', alg: 'EdDSA' };
  }

  toStored(): StoredKey {
    return { privateKeyPkcs8: this.#privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: [this.jwk] };
  }

  /** Fresh headers for one delivery attempt; `timestamp` is Unix seconds. */
  headers(requestId: string, userId: string, body: Buffer, timestamp: number): WebhookSignatureHeaders {
    const digest = createHash('sha256').update(body).digest('hex');
    const message = Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`, 'utf8');
    return {
      'X-Fal-Webhook-Request-Id': requestId,
      'X-Fal-Webhook-User-Id': userId,
      'X-Fal-Webhook-Timestamp': String(timestamp),
      'X-Fal-Webhook-Signature': sign(null, message, this.#privateKey).toString('hex'),
    };
  }
}

// RFC 7638 thumbprint: a stable kid that changes only with the key.
function thumbprint(x: string): string {
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url');
}
