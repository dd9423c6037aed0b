export * from './account.entity';
export * from './accounts.collections';
export * from './accounts.module';
export * from './app-user.entity';
export * from './auth.service';
export * from './bootstrap.service';
export * from './static-token';
