import { InitialSchema1795265582627 } from './1795265582627-InitialSchema';
import { CodeSequencesAndReservationJobs1795268000000 } from './1795268000000-CodeSequencesAndReservationJobs';
import { EpcMode1795268100000 } from './1795268100000-EpcMode';
import { CodePool1795268400000 } from './1795268400000-CodePool';
import { ProductlessPoolIndex1795268500000 } from './1795268500000-ProductlessPoolIndex';
import { TenantRowSecurity1795268800000 } from './1795268800000-TenantRowSecurity';
import { LookupIndexes1795268850000 } from './1795268850000-LookupIndexes';
import { UserSessions1795268900000 } from './1795268900000-UserSessions';
import { IdempotencyKeys1795268900100 } from './1795268900100-IdempotencyKeys';
import { EventsAndWebhooks1795269000000 } from './1795269000000-EventsAndWebhooks';
import { WebhookRowSecurity1795269050000 } from './1795269050000-WebhookRowSecurity';
import { CodeIngestion1795269100000 } from './1795269100000-CodeIngestion';
import { TenantWrites1795269200000 } from './1795269200000-TenantWrites';
import { CodeTally1795269300000 } from './1795269300000-CodeTally';
import { AuthLookups1795269400000 } from './1795269400000-AuthLookups';
import { ExportPlainText1795269500000 } from './1795269500000-ExportPlainText';

/** Every migration, oldest first. A new migration file is added here too. */
export const MIGRATIONS = [
  InitialSchema1795265582627,
  CodeSequencesAndReservationJobs1795268000000,
  EpcMode1795268100000,
  CodePool1795268400000,
  ProductlessPoolIndex1795268500000,
  TenantRowSecurity1795268800000,
  LookupIndexes1795268850000,
  UserSessions1795268900000,
  IdempotencyKeys1795268900100,
  EventsAndWebhooks1795269000000,
  WebhookRowSecurity1795269050000,
  CodeIngestion1795269100000,
  TenantWrites1795269200000,
  CodeTally1795269300000,
  AuthLookups1795269400000,
  ExportPlainText1795269500000,
];
