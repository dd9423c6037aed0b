import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@sid/shared/config';
import { InvalidCredentialsError, InvalidPayloadError } from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';
import { AccountRepository } from './account.repository';
import { verifyPassword } from './password';
import { SessionRepository } from './session.repository';
import { hashToken } from './static-token';

/** What `/auth/login` and `/auth/refresh` hand out (Directus' shape); `expires` in milliseconds. */
export interface SessionTokens {
  access_token: string;
  expires: number;
  refresh_token: string;
}

interface AccessClaims {
  id: string;
  session: string;
}

const ISSUER = 'sid';

/**
 * Password sign-in as in Directus: a short-lived JWT access token and a random refresh token.
 * Refresh tokens are stored as SHA-256 hashes, rotated on every refresh; a rotated (or revoked)
 * one presented again revokes its whole family, so a stolen copy dies with the original.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private readonly secret: string;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly accounts: AccountRepository,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.secret = config.SECRET ?? randomBytes(32).toString('hex');
    if (!config.SECRET && config.NODE_ENV !== 'test') {
      this.logger.warn(
        'SECRET is not set: login sessions last as long as this process and work on this replica only.',
      );
    }
  }

  async login(email: unknown, password: unknown): Promise<SessionTokens> {
    if (typeof email !== 'string' || typeof password !== 'string' || email === '') {
      throw new InvalidPayloadError('"email" and "password" are required strings.');
    }
    const user = await this.accounts.findUserForLogin(email);
    const valid = await verifyPassword(user?.password_hash ?? null, password);
    if (!user || !valid) throw new InvalidCredentialsError('Invalid user credentials.');
    return this.issue(user.id, randomUUID());
  }

  async refresh(refreshToken: string | null): Promise<SessionTokens> {
    if (!refreshToken) {
      throw new InvalidPayloadError('"refresh_token" is required in the body or its cookie.');
    }
    const outcome = await this.sessions.withLockedSession(
      hashToken(refreshToken),
      async (session, client) => {
        if (!session) return { ok: false as const };
        if (session.rotated_at || session.revoked_at) {
          // Used again after its rotation: whoever holds the family's tokens loses them.
          await this.sessions.revokeFamily(session.family, client);
          return { ok: false as const, reused: session.family };
        }
        if (session.expired) return { ok: false as const };
        await this.sessions.rotate(session.id, client);
        return {
          ok: true as const,
          tokens: await this.issue(session.user_id, session.family, client),
        };
      },
    );
    if (!outcome.ok) {
      if (outcome.reused)
        this.logger.warn(`Refresh token reused: session ${outcome.reused} revoked`);
      throw new InvalidCredentialsError('Invalid user credentials.');
    }
    return outcome.tokens;
  }

  /** Ends the session the refresh token belongs to (every token of its family). */
  async logout(refreshToken: string | null): Promise<void> {
    if (!refreshToken) {
      throw new InvalidPayloadError('"refresh_token" is required in the body or its cookie.');
    }
    await this.sessions.withLockedSession(hashToken(refreshToken), async (session, client) => {
      if (session) await this.sessions.revokeFamily(session.family, client);
    });
  }

  /** The caller of an access token, or an InvalidCredentialsError (bad signature, expired...). */
  async authenticate(accessToken: string): Promise<Actor> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(accessToken, {
        secret: this.secret,
        issuer: ISSUER,
        algorithms: ['HS256'],
      });
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new InvalidCredentialsError(expired ? 'Token expired.' : 'Invalid user credentials.', {
        ...(expired ? { reason: 'TOKEN_EXPIRED' } : {}),
      });
    }
    const user =
      typeof claims.id === 'string' ? await this.accounts.findActiveUserById(claims.id) : undefined;
    if (!user) throw new InvalidCredentialsError('Invalid user credentials.');
    return { userId: user.id, accountId: user.account, admin: user.role === 'admin' };
  }

  private async issue(
    userId: string,
    family: string,
    client?: Parameters<SessionRepository['insert']>[4],
  ): Promise<SessionTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.sessions.insert(
      family,
      userId,
      hashToken(refreshToken),
      this.config.REFRESH_TOKEN_TTL_S,
      client,
    );
    const ttl = this.config.ACCESS_TOKEN_TTL_S;
    const accessToken = await this.jwt.signAsync(
      { id: userId, session: family } satisfies AccessClaims,
      { secret: this.secret, expiresIn: ttl, issuer: ISSUER, algorithm: 'HS256' },
    );
    return { access_token: accessToken, expires: ttl * 1000, refresh_token: refreshToken };
  }
}

/** A JWT (three base64url parts), as opposed to a static token. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
