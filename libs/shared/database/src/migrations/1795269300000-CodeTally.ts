import { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of unique_code a tally row groups by (besides `account`). */
const GROUPED = 'identifier_job, product, type, status, activation_status, workorder';

/**
 * An exact count of codes without reading the codes: `unique_code_tally` holds signed deltas,
 * one row per group of (account, identifier_job, product, type, status, activation_status,
 * workorder) per statement that changed unique_code, written by statement-level triggers in the
 * writing transaction itself. The count of any filter on those columns is the sum of the deltas
 * of the groups it matches (`meta=filter_count`, `total_count`: see compileCountQuery), and it
 * is exactly what a `count(*)` in the same snapshot would return.
 *
 * Deltas, not one counter per group: every claim moves codes between two groups, and concurrent
 * claims updating the same counter rows would wait on each other's row locks until commit. An
 * insert takes no lock anyone waits on; `compact_unique_code_tally()` folds the deltas into one
 * row per group from time to time (TallyCompaction in the generator worker).
 *
 * The triggers fire `ALWAYS`, also under `session_replication_role = replica`, which generation
 * and uploads set to skip the foreign-key triggers of their COPY. They are SECURITY DEFINER: the
 * tenant role writes unique_code (PATCH) but may not write the tally; it reads its own rows of it
 * under the same policies as unique_code.
 */
export class CodeTally1795269300000 implements MigrationInterface {
  name = 'CodeTally1795269300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- No writes to unique_code between the backfill below and the triggers taking over.
      LOCK TABLE unique_code IN SHARE ROW EXCLUSIVE MODE;
      CREATE TABLE unique_code_tally (
        account uuid NOT NULL,
        identifier_job uuid,
        product text,
        type text NOT NULL,
        status text NOT NULL,
        activation_status smallint NOT NULL,
        workorder bigint,
        codes bigint NOT NULL
      );
      CREATE INDEX unique_code_tally_account_idx ON unique_code_tally (account, status);

      CREATE FUNCTION unique_code_tally_insert() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO unique_code_tally (account, ${GROUPED}, codes)
        SELECT account, ${GROUPED}, count(*) FROM tally_new GROUP BY account, ${GROUPED};
        RETURN NULL;
      END $$;
      CREATE FUNCTION unique_code_tally_delete() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO unique_code_tally (account, ${GROUPED}, codes)
        SELECT account, ${GROUPED}, -count(*) FROM tally_old GROUP BY account, ${GROUPED};
        RETURN NULL;
      END $$;
      CREATE FUNCTION unique_code_tally_update() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO unique_code_tally (account, ${GROUPED}, codes)
        SELECT account, ${GROUPED}, sum(delta) FROM (
          SELECT account, ${GROUPED}, -1 AS delta FROM tally_old
          UNION ALL
          SELECT account, ${GROUPED}, 1 FROM tally_new
        ) moved
        GROUP BY account, ${GROUPED}
        HAVING sum(delta) <> 0;
        RETURN NULL;
      END $$;
      CREATE FUNCTION unique_code_tally_truncate() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        TRUNCATE unique_code_tally;
        RETURN NULL;
      END $$;

      CREATE TRIGGER tally_insert AFTER INSERT ON unique_code
        REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION unique_code_tally_insert();
      CREATE TRIGGER tally_delete AFTER DELETE ON unique_code
        REFERENCING OLD TABLE AS tally_old FOR EACH STATEMENT EXECUTE FUNCTION unique_code_tally_delete();
      CREATE TRIGGER tally_update AFTER UPDATE ON unique_code
        REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new
        FOR EACH STATEMENT EXECUTE FUNCTION unique_code_tally_update();
      CREATE TRIGGER tally_truncate AFTER TRUNCATE ON unique_code
        FOR EACH STATEMENT EXECUTE FUNCTION unique_code_tally_truncate();
      ALTER TABLE unique_code ENABLE ALWAYS TRIGGER tally_insert, ENABLE ALWAYS TRIGGER tally_delete,
        ENABLE ALWAYS TRIGGER tally_update, ENABLE ALWAYS TRIGGER tally_truncate;

      -- One delta per group for the codes there already are.
      INSERT INTO unique_code_tally (account, ${GROUPED}, codes)
      SELECT account, ${GROUPED}, count(*) FROM unique_code GROUP BY account, ${GROUPED};

      -- Folds the deltas into one row per group (dropping groups that sum to nothing). Safe beside
      -- writers (their deltas are not in this snapshot, so not deleted) and beside another
      -- compaction (rows it deleted first are skipped here): the sums never change.
      CREATE FUNCTION compact_unique_code_tally() RETURNS bigint
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH folded AS (DELETE FROM unique_code_tally RETURNING *),
        kept AS (
          INSERT INTO unique_code_tally (account, ${GROUPED}, codes)
          SELECT account, ${GROUPED}, sum(codes) FROM folded
          GROUP BY account, ${GROUPED}
          HAVING sum(codes) <> 0
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM folded) - (SELECT count(*) FROM kept);
      $$;
      REVOKE ALL ON FUNCTION compact_unique_code_tally() FROM PUBLIC;

      -- A pool's level (read by every pool check and the pool gauges) from the tally too: a
      -- pool of a million codes was an index scan of a million entries.
      CREATE OR REPLACE VIEW code_pool_level WITH (security_invoker = true) AS
      SELECT p.id, p.account, p.product, p.code_type, p.min_unassigned, p.refill_quantity, p.length,
        p.character_set, p.sscc_company_prefix, p.sscc_extension_digit, p.user_created, p.date_created,
        p.user_updated, p.date_updated,
        (SELECT coalesce(sum(t.codes), 0) FROM unique_code_tally t
         WHERE t.account = p.account AND t.product IS NOT DISTINCT FROM p.product
           AND t.type = p.code_type AND t.status = 'unassigned')::integer AS unassigned_count,
        (SELECT j.id FROM identifier_job j WHERE j.code_pool = p.id ORDER BY j.date_created DESC LIMIT 1) AS refill_job
      FROM code_pool p;

      REVOKE ALL ON unique_code_tally FROM sid_tenant;
      GRANT SELECT ON unique_code_tally TO sid_tenant;
      ALTER TABLE unique_code_tally ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_rows ON unique_code_tally TO sid_tenant
        USING (account = nullif(current_setting('sid.account', true), '')::uuid);
      CREATE POLICY not_tenant ON unique_code_tally TO PUBLIC USING (current_user <> 'sid_tenant');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW code_pool_level WITH (security_invoker = true) AS
      SELECT p.id, p.account, p.product, p.code_type, p.min_unassigned, p.refill_quantity, p.length,
        p.character_set, p.sscc_company_prefix, p.sscc_extension_digit, p.user_created, p.date_created,
        p.user_updated, p.date_updated,
        CASE WHEN p.product IS NULL THEN (
          SELECT count(*) FROM unique_code u
          WHERE u.product IS NULL AND u.type = p.code_type AND u.status = 'unassigned' AND u.account = p.account)
        ELSE (
          SELECT count(*) FROM unique_code u
          WHERE u.product = p.product AND u.type = p.code_type AND u.status = 'unassigned' AND u.account = p.account)
        END::integer AS unassigned_count,
        (SELECT j.id FROM identifier_job j WHERE j.code_pool = p.id ORDER BY j.date_created DESC LIMIT 1) AS refill_job
      FROM code_pool p;
      DROP TRIGGER tally_insert ON unique_code;
      DROP TRIGGER tally_delete ON unique_code;
      DROP TRIGGER tally_update ON unique_code;
      DROP TRIGGER tally_truncate ON unique_code;
      DROP FUNCTION unique_code_tally_insert(), unique_code_tally_delete(),
        unique_code_tally_update(), unique_code_tally_truncate(), compact_unique_code_tally();
      DROP TABLE unique_code_tally;
    `);
  }
}
