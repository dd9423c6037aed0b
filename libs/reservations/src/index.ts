export * from './code-reservation.dto';
export * from './code-reservation.entity';
export * from './code-reservation.writer';
export * from './reservation-claim.service';
export * from './reservations.collections';
export * from './reservations.module';
export * from './unique-code.writer';
