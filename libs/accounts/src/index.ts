export * from './account.repository';
export * from './accounts.collections';
export * from './accounts.module';
export * from './auth.service';
export * from './static-token';
export * from './create-user.dto';
export * from './users.service';
export * from './scantrust-permissions';
