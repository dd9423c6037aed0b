import { CookieOptions, Request, Response } from 'express';

/** Directus' cookie names: a client written for Directus finds its cookies where it expects. */
export const REFRESH_COOKIE = 'directus_refresh_token';
export const SESSION_COOKIE = 'directus_session_token';

/** httpOnly (no script reads them), SameSite=Strict, Secure in production. */
export function cookieOptions(production: boolean, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: production,
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

export function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name && value.length > 0) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function clearSessionCookies(response: Response, production: boolean): void {
  response.clearCookie(REFRESH_COOKIE, cookieOptions(production));
  response.clearCookie(SESSION_COOKIE, cookieOptions(production));
}
