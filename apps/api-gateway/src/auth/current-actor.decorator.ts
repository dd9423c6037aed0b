import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor } from '@sid/shared/items';

export interface AuthenticatedRequest {
  actor: Actor;
}

/** The authenticated caller, set by `BearerAuthGuard`. */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);
