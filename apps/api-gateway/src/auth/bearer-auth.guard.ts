import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { AuthService } from '@sid/accounts';
import { InvalidCredentialsError } from '@sid/shared/errors';
import { clientAddress, RateLimits } from '../security/rate-limits.service';
import { IS_PUBLIC } from './public.decorator';
import { readCookie, SESSION_COOKIE } from './session-cookies';

/**
 * Every route needs `Authorization: Bearer <token>` (a static token or a login's access token),
 * Directus' `?access_token=`, or the session cookie of a `mode: session` login, except those
 * marked `@Public()`.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request & { actor?: unknown }>();
    const client = clientAddress(request);
    await this.limits.assertMayAuthenticate(client);
    try {
      const token = bearerToken(request) ?? readCookie(request, SESSION_COOKIE);
      if (!token)
        throw new InvalidCredentialsError('Missing "Authorization: Bearer <token>" header.');
      request.actor = await this.auth.authenticate(token);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) await this.limits.authenticationFailed(client);
      throw error;
    }
    return true;
  }
}

/** The token of `Authorization: Bearer <token>`, or else of `?access_token=` (as Directus takes it). */
export function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : null;
  }
  const query = request.query?.access_token;
  return typeof query === 'string' && query.length > 0 ? query : null;
}
