import { Logger } from '@nestjs/common';
import { KeyObject, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isHmac } from '@lib/config';
import type { JwtAlgorithm } from '@lib/config';
import type { SolarhubConfig } from '../solarhub-api.config';

export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid: string;
  use: 'sig';
  alg: JwtAlgorithm;
}

/** RFC 7638 thumbprint of an EC public key: the key id that does not change while the key does not. */
function thumbprint(jwk: { crv?: string; kty?: string; x?: string; y?: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The keys solarhub-api signs the site's tokens with. HS256/384/512: the shared secret. ES256:
 * the private key of JWT_PRIVATE_KEY_FILE, whose public half is served at /.well-known/jwks.json
 * together with the keys of JWT_PREVIOUS_KEY_FILES, so tokens signed before a rollover stay valid
 * until they expire. Built once per app, before the modules (the guard needs the keys too).
 */
export class SigningKeys {
  private readonly logger = new Logger('signing-keys');
  readonly algorithm: JwtAlgorithm;
  readonly signingKey: KeyObject | Uint8Array;
  readonly kid: string | undefined;
  private readonly publicKeys = new Map<string, KeyObject>();
  readonly jwks: { keys: PublicJwk[] };

  constructor(config: SolarhubConfig) {
    this.algorithm = config.auth.algorithm;
    if (isHmac(this.algorithm)) {
      this.signingKey = new TextEncoder().encode(config.auth.secret ?? '');
      this.jwks = { keys: [] };
      return;
    }
    const privateKey = this.loadPrivateKey(config.jwt.privateKeyFile);
    this.signingKey = privateKey;
    const keys = [createPublicKey(privateKey), ...config.jwt.previousKeyFiles.map((f) => this.loadPublicKey(f))];
    const jwks: PublicJwk[] = [];
    for (const key of keys) {
      const jwk = key.export({ format: 'jwk' });
      const kid = thumbprint(jwk);
      if (this.publicKeys.has(kid)) continue;
      this.publicKeys.set(kid, key);
      jwks.push({ kty: jwk.kty ?? 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid, use: 'sig', alg: this.algorithm });
    }
    this.kid = jwks[0].kid;
    this.jwks = { keys: jwks };
  }

  private loadPrivateKey(file: string | null): KeyObject {
    if (!file) {
      this.logger.warn(
        'JWT_ALGORITHM=ES256 without JWT_PRIVATE_KEY_FILE: signing with a key made for this run only (tokens end at restart)',
      );
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    }
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`JWT_PRIVATE_KEY_FILE: ${file} is not a P-256 EC private key (ES256)`);
    }
    return key;
  }

  private loadPublicKey(file: string): KeyObject {
    return createPublicKey(readFileSync(file));
  }

  /** The key that checks a token with this key id. */
  verificationKey(kid: string | undefined): KeyObject | Uint8Array {
    return isHmac(this.algorithm) ? this.signingKey : this.publicKey(kid);
  }

  /** ES256: the public key of this key id as PEM, for the guard (passport-jwt). */
  publicKeyPem(kid: string | undefined): string {
    return this.publicKey(kid).export({ format: 'pem', type: 'spki' }).toString();
  }

  /** ES256: the public key of this key id, current or earlier. */
  publicKey(kid: string | undefined): KeyObject {
    const key = kid ? this.publicKeys.get(kid) : undefined;
    if (!key) throw new Error('unknown signing key');
    return key;
  }
}
