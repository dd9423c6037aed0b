import { Injectable, Logger } from '@nestjs/common';
import { AccountRepository, hashToken } from '@sid/accounts';
import { DomainRepository } from './domain.repository';

export interface BootstrapAdmin {
  email: string;
  token: string;
  /** Host of digital links for the admin's account, unless it has a default domain already. */
  linkDomain: string;
}

/**
 * Makes sure the configured admin exists with the configured token (ADMIN_EMAIL / ADMIN_TOKEN),
 * in an account of its own with a default link domain. Safe to run at every start, from several
 * gateway replicas at once.
 */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger(BootstrapService.name);

  constructor(
    private readonly accounts: AccountRepository,
    private readonly domains: DomainRepository,
  ) {}

  async ensureAdmin({ email, token, linkDomain }: BootstrapAdmin): Promise<string> {
    return this.accounts.transaction(async (tx) => {
      await this.accounts.lockBootstrap(tx);
      const existing = await this.accounts.findUserByEmail(email, tx);
      let userId: string;
      let accountId: string;
      if (existing) {
        ({ id: userId, account: accountId } = existing);
        await this.accounts.resetAdmin(userId, hashToken(token), tx);
      } else {
        accountId = await this.accounts.createAccount('Default', tx);
        userId = await this.accounts.createUser(
          {
            account: accountId,
            email,
            first_name: 'Admin',
            last_name: 'User',
            role: 'admin',
            token_hash: hashToken(token),
          },
          tx,
        );
        this.logger.log(`Created admin ${email}`);
      }
      await this.domains.ensureDefault(accountId, linkDomain, tx);
      return userId;
    });
  }
}
