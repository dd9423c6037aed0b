export * from './domain-event';
export * from './event-outbox.module';
export * from './event-outbox.repository';
export * from './events-transport';
export * from './event-relay';
export * from './events.module';
