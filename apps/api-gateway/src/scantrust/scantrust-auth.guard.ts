import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { AuthService, ScantrustCaller, ScantrustPermission } from '@sid/accounts';
import { ScantrustApiError } from '@sid/ingestion';
import { InvalidCredentialsError } from '@sid/shared/errors';

const PERMISSION = 'scantrust:permission';

/** The permission string a route of the Scantrust API needs. */
export const RequiresPermission = (permission: ScantrustPermission) =>
  SetMetadata(PERMISSION, permission);

/** The caller, set by `ScantrustAuthGuard`. */
export const Caller = createParamDecorator(
  (_: unknown, context: ExecutionContext): ScantrustCaller =>
    context.switchToHttp().getRequest<{ caller: ScantrustCaller }>().caller,
);

/**
 * `/api/v2/*`: `Authorization: UAT <token>` (Scantrust's scheme) or `Bearer <token>`, with the
 * users' static tokens; no or a bad token is a 401, a missing permission a 403 that names it.
 */
@Injectable()
export class ScantrustAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { caller?: ScantrustCaller }>();
    const match = /^(?:UAT|Bearer|Token)\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      throw ScantrustApiError.detail(401, 'Authentication credentials were not provided.');
    }
    let caller: ScantrustCaller;
    try {
      caller = await this.auth.authenticateScantrust(match[1]);
    } catch (error) {
      if (error instanceof InvalidCredentialsError)
        throw ScantrustApiError.detail(401, 'Invalid token.');
      throw error;
    }
    const needed = this.reflector.get<ScantrustPermission | undefined>(
      PERMISSION,
      context.getHandler(),
    );
    if (needed && !caller.permissions.has(needed)) {
      throw ScantrustApiError.detail(
        403,
        `You do not have permission to perform this action (missing permission "${needed}").`,
      );
    }
    request.caller = caller;
    return true;
  }
}
