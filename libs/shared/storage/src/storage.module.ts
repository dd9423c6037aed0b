import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { ObjectStorage } from './object-storage.service';

/** The S3-compatible bucket of exports, from the one config. */
@Global()
@Module({
  providers: [
    {
      provide: ObjectStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ObjectStorage({
          endpoint: config.S3_ENDPOINT,
          region: config.S3_REGION,
          bucket: config.S3_BUCKET,
          accessKeyId: config.S3_ACCESS_KEY_ID,
          secretAccessKey: config.S3_SECRET_ACCESS_KEY,
          forcePathStyle: config.S3_FORCE_PATH_STYLE,
        }),
    },
  ],
  exports: [ObjectStorage],
})
export class StorageModule {}
