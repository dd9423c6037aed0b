import { Injectable, OnModuleInit } from '@nestjs/common';
import { ReservationClaimService } from '@sid/reservations';
import { ClaimCodesPayload, JobName, QueueName, QueueWorkerFactory } from '@sid/shared/queue';

/** Thin: each `claim-codes` job fills the reservation it names as far as the pool allows. */
@Injectable()
export class ReservationProcessor implements OnModuleInit {
  constructor(
    private readonly workers: QueueWorkerFactory,
    private readonly claims: ReservationClaimService,
  ) {}

  onModuleInit(): void {
    this.workers.register(QueueName.CodeReservation, {
      handlers: {
        [JobName.ClaimCodes]: ({ reservationId }) => this.claims.run(reservationId),
      },
      onFailed: (payload, error) =>
        this.claims.fail((payload as ClaimCodesPayload).reservationId, error.message),
    });
  }
}
