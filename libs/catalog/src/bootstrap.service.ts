import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hashToken } from '@sid/accounts';

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

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async ensureAdmin({ email, token, linkDomain }: BootstrapAdmin): Promise<string> {
    return this.db.transaction(async (tx) => {
      // One bootstrap at a time across replicas.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sid.bootstrap-admin'))`);
      const existing: { id: string; account: string }[] = await tx.query(
        `SELECT id, account FROM app_user WHERE email = $1`,
        [email],
      );
      let userId: string;
      let accountId: string;
      if (existing.length > 0) {
        [{ id: userId, account: accountId }] = existing;
        await tx.query(
          `UPDATE app_user SET token_hash = $2, role = 'admin', status = 'active', date_updated = now() WHERE id = $1`,
          [userId, hashToken(token)],
        );
      } else {
        [{ id: accountId }] = await tx.query(
          `INSERT INTO account (name) VALUES ('Default') RETURNING id`,
        );
        [{ id: userId }] = await tx.query(
          `INSERT INTO app_user (account, email, first_name, last_name, role, token_hash)
           VALUES ($1, $2, 'Admin', 'User', 'admin', $3) RETURNING id`,
          [accountId, email, hashToken(token)],
        );
        this.logger.log(`Created admin ${email}`);
      }
      await tx.query(
        `INSERT INTO domain (account, host, is_default)
         SELECT $1, $2, true
         WHERE NOT EXISTS (SELECT 1 FROM domain WHERE account = $1 AND is_default)
           AND NOT EXISTS (SELECT 1 FROM domain WHERE host = $2)`,
        [accountId, linkDomain],
      );
      return userId;
    });
  }
}
