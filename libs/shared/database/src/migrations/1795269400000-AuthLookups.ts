import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two reads that authenticate a request, as functions any role may call with the same
 * result: the active user of a token hash, and of an id (a session's access token). SECURITY
 * DEFINER, so they read app_user as its owner whatever the connection runs as; they return the
 * three or four columns authentication needs, for one exact key, and nothing else.
 *
 * Why: a partner's request authenticates before its tenant scope starts. Run as the platform,
 * that lookup reset a connection the partner's previous request had set to its tenant, and the
 * query that followed set it again: two round trips per request for nothing. These functions
 * run on a connection as it is (see asAnyScope), so a partner's requests keep their connections.
 */
export class AuthLookups1795269400000 implements MigrationInterface {
  name = 'AuthLookups1795269400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION active_user_by_token(token_hash text)
        RETURNS TABLE (id uuid, account uuid, role text, permissions text[])
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.id, u.account, u.role, u.permissions FROM app_user u
        WHERE u.token_hash = active_user_by_token.token_hash AND u.status = 'active'
      $$;
      CREATE FUNCTION active_user_by_id(user_id uuid)
        RETURNS TABLE (id uuid, account uuid, role text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.id, u.account, u.role FROM app_user u
        WHERE u.id = active_user_by_id.user_id AND u.status = 'active'
      $$;
      REVOKE ALL ON FUNCTION active_user_by_token(text), active_user_by_id(uuid) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION active_user_by_token(text), active_user_by_id(uuid) TO sid_tenant;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION active_user_by_token(text), active_user_by_id(uuid)`);
  }
}
