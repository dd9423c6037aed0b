import { createHash, randomBytes } from 'node:crypto';

/**
 * Static tokens are long random strings, so a plain SHA-256 is enough to store them: it cannot be
 * reversed and, unlike a slow password hash, lets the token be looked up by its hash directly.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}
