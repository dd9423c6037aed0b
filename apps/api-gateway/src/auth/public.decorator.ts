import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'sid:public';

/** Marks a route that needs no token (`/server/ping`, `/server/health`). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
