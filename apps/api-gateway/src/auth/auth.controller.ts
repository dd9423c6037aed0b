import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { SessionService, SessionTokens } from '@sid/accounts';
import { AppConfig } from '@sid/shared/config';
import { InvalidCredentialsError, InvalidPayloadError } from '@sid/shared/errors';
import { clientAddress, RateLimits } from '../security/rate-limits.service';
import { Public } from './public.decorator';
import {
  clearSessionCookies,
  cookieOptions,
  readCookie,
  REFRESH_COOKIE,
  SESSION_COOKIE,
} from './session-cookies';

type Mode = 'json' | 'cookie' | 'session';

/**
 * Directus' `/auth`: `login` with email and password, `refresh`, `logout`. The mode says where
 * the tokens go: `json` all in the body; `cookie` the refresh token in an httpOnly cookie;
 * `session` both tokens in cookies (what the queue dashboard reads), the body only `expires`.
 * A wrong password or refresh token counts against the address's budget of failed
 * authentications (RATE_LIMITER_AUTH_*), as a wrong bearer token does: no guessing at speed.
 */
@Controller('auth')
@Public()
export class AuthController {
  constructor(
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
    private readonly limits: RateLimits,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const input = asObject(body);
    const mode = modeOf(input.mode);
    const tokens = await this.counted(request, () =>
      this.sessions.login(input.email, input.password),
    );
    return { data: this.answer(tokens, mode, response) };
  }

  @Post('refresh')
  @HttpCode(200)
  async refresh(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const input = asObject(body ?? {});
    const mode = modeOf(input.mode);
    const tokens = await this.counted(request, () =>
      this.sessions.refresh(refreshTokenOf(input, request)),
    );
    return { data: this.answer(tokens, mode, response) };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.sessions.logout(refreshTokenOf(asObject(body ?? {}), request));
    clearSessionCookies(response, this.production);
  }

  /** Runs a credential check within the address's budget of failed authentications. */
  private async counted<T>(request: Request, check: () => Promise<T>): Promise<T> {
    const client = clientAddress(request);
    await this.limits.assertMayAuthenticate(client);
    try {
      return await check();
    } catch (error) {
      if (error instanceof InvalidCredentialsError) await this.limits.authenticationFailed(client);
      throw error;
    }
  }

  private answer(tokens: SessionTokens, mode: Mode, response: Response) {
    if (mode === 'json') return tokens;
    response.cookie(
      REFRESH_COOKIE,
      tokens.refresh_token,
      cookieOptions(this.production, this.config.REFRESH_TOKEN_TTL_S * 1000),
    );
    if (mode === 'cookie') return { access_token: tokens.access_token, expires: tokens.expires };
    response.cookie(
      SESSION_COOKIE,
      tokens.access_token,
      cookieOptions(this.production, tokens.expires),
    );
    return { expires: tokens.expires };
  }

  private get production(): boolean {
    return this.config.NODE_ENV === 'production';
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidPayloadError('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function modeOf(value: unknown): Mode {
  if (value === undefined || value === null) return 'json';
  if (value === 'json' || value === 'cookie' || value === 'session') return value;
  throw new InvalidPayloadError('"mode" must be one of json, cookie, session.', { field: 'mode' });
}

function refreshTokenOf(input: Record<string, unknown>, request: Request): string | null {
  if (input.refresh_token !== undefined) {
    if (typeof input.refresh_token !== 'string' || input.refresh_token === '') {
      throw new InvalidPayloadError('"refresh_token" must be a string.', {
        field: 'refresh_token',
      });
    }
    return input.refresh_token;
  }
  return readCookie(request, REFRESH_COOKIE);
}
