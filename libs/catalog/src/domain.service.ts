import { Injectable } from '@nestjs/common';
import { AppConfig } from '@sid/shared/config';
import { InvalidPayloadError } from '@sid/shared/errors';
import { DomainRepository } from './domain.repository';

/** Which host an account's digital links use. */
@Injectable()
export class DomainService {
  constructor(
    private readonly domains: DomainRepository,
    private readonly config: AppConfig,
  ) {}

  /** The host of `domainId` (which must belong to the account) or the account's default host. */
  async linkHost(accountId: string, domainId?: string | null): Promise<string> {
    if (domainId) {
      const host = await this.domains.hostOf(domainId, accountId);
      if (host === undefined) {
        throw new InvalidPayloadError(`Domain "${domainId}" does not exist.`, { field: 'domain' });
      }
      return host;
    }
    return (await this.domains.defaultHost(accountId)) ?? this.config.LINK_DOMAIN;
  }
}
