import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@sid/shared/config';
import { InvalidPayloadError } from '@sid/shared/errors';

/** Which host an account's digital links use. */
@Injectable()
export class DomainService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The host of `domainId` (which must belong to the account) or the account's default host. */
  async linkHost(accountId: string, domainId?: string | null): Promise<string> {
    if (domainId) {
      const rows: { host: string }[] = await this.db.query(
        'SELECT host FROM domain WHERE id = $1 AND account = $2',
        [domainId, accountId],
      );
      if (rows.length === 0) {
        throw new InvalidPayloadError(`Domain "${domainId}" does not exist.`, { field: 'domain' });
      }
      return rows[0].host;
    }
    const rows: { host: string }[] = await this.db.query(
      'SELECT host FROM domain WHERE account = $1 AND is_default',
      [accountId],
    );
    return rows[0]?.host ?? this.config.LINK_DOMAIN;
  }
}
