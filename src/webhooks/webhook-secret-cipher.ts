import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';

const FORMAT = 'v1';
const SECRET_BYTES = 32;
const IV_BYTES = 12;

/** The stored secret cannot be read back: WEBHOOK_SECRET_KEY changed since it was written, or the row was altered. */
export class WebhookSecretUnreadableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSecretUnreadableError';
  }
}

/**
 * Makes and keeps subscription secrets. The worker must be able to read a secret back to sign with
 * it, so it cannot be hashed; it is encrypted instead (AES-256-GCM, key derived with HKDF from
 * WEBHOOK_SECRET_KEY, the subscription id as associated data) so that a database dump or backup alone
 * does not let anyone forge events, and a ciphertext copied onto another subscription does not
 * decrypt. The stored form names the key it was made with, so a changed key is reported as such.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly key: Buffer;
  private readonly keyId: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', config.webhookSecretKey, 'procurement-match', 'webhook-subscription-secrets/v1', 32));
    // A fingerprint, not the key: an HMAC of a fixed label, cut short.
    this.keyId = createHmac('sha256', this.key).update('key-id').digest('hex').slice(0, 12);
  }

  /** A new secret: 32 random bytes, hex (64 characters). Shown to the subscriber once. */
  newSecret(): string {
    return randomBytes(SECRET_BYTES).toString('hex');
  }

  encrypt(subscriptionId: string, secret: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(subscriptionId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [FORMAT, this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(subscriptionId: string, stored: string): string {
    const [format, keyId, iv, tag, ciphertext] = stored.split('.');
    if (format !== FORMAT || !ciphertext) throw new WebhookSecretUnreadableError('the stored secret is not in a known format');
    if (keyId !== this.keyId) {
      throw new WebhookSecretUnreadableError('the secret was encrypted under another WEBHOOK_SECRET_KEY; delete and re-create this webhook');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(subscriptionId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new WebhookSecretUnreadableError('the stored secret does not decrypt', { cause: error });
    }
  }
}
