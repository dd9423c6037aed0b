import * as argon2 from 'argon2';

/** argon2id with the library's defaults (19 MiB, t=2): OWASP's minimum for interactive logins. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** A hash of a password nobody has, checked when the user does not exist: same time either way. */
let dummyHash: Promise<string> | undefined;

/** Constant-time comparison (argon2's own); a missing hash costs the same time as a wrong one. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    dummyHash ??= hashPassword('no user has this password');
    await argon2.verify(await dummyHash, password);
    return false;
  }
  return argon2.verify(hash, password);
}
