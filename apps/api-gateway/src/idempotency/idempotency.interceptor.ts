import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IdempotencyRepository, KeyRef } from '@sid/accounts';
import {
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  InvalidPayloadError,
} from '@sid/shared/errors';
import { Actor } from '@sid/shared/items';

const METHODS = new Set(['POST', 'PATCH', 'DELETE']);
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * `Idempotency-Key` on POST/PATCH/DELETE, with Stripe's semantics: the first answer for a key is
 * kept (PostgreSQL, per account, 24 h); the same request again gets it again with
 * `Idempotent-Replayed: true`; another request with the key a 422; the same one while the first
 * still runs a 409. A request that fails had no effect (writes are all or nothing): its key is
 * freed for a retry. A partner's retried `POST /items/code_reservation` never reserves twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    // Public routes (/auth/*) have no account to keep keys under.
    if (!METHODS.has(request.method) || header === undefined || !request.actor) {
      return next.handle();
    }
    const key = Array.isArray(header) ? header[0] : header;
    if (key.length === 0 || key.length > 255) {
      throw new InvalidPayloadError('"Idempotency-Key" must be 1 to 255 characters.');
    }
    const ref: KeyRef = {
      account: request.actor.accountId,
      key,
      fingerprint: createHash('sha256')
        .update(`${request.method} ${request.originalUrl}\n${JSON.stringify(request.body ?? null)}`)
        .digest('hex'),
    };
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.run(ref, context, next, response));
  }

  private async run(
    ref: KeyRef,
    context: ExecutionContext,
    next: CallHandler,
    response: Response,
  ): Promise<unknown> {
    const claim = await this.keys.claim(ref);
    if (claim !== true) {
      if (claim === null) throw new IdempotencyKeyInUseError('Retry this request.');
      if (claim.fingerprint !== ref.fingerprint) {
        throw new IdempotencyKeyReusedError(
          'This Idempotency-Key was used with another request (method, path or body).',
        );
      }
      if (claim.status === 'running') {
        throw new IdempotencyKeyInUseError(
          'A request with this Idempotency-Key is still running: retry it later.',
        );
      }
      response.setHeader('Idempotent-Replayed', 'true');
      return claim.response_body ?? undefined;
    }
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.keys.release(ref);
      throw error;
    }
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (context.switchToHttp().getRequest<Request>().method === 'POST' ? 201 : 200);
    await this.keys.complete(ref, status, body);
    return body;
  }
}
