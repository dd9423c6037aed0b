import { MigrationInterface, QueryRunner } from 'typeorm';

/** The new tables of a tenant (each with its `account` column). */
const TENANT_TABLES = ['ingestion_record', 'workorder'];

/**
 * Customers bring their own codes (Scantrust's code upload): an `ingestion_record` follows one
 * uploaded file from its presigned POST to `completed` or `error`, and a `workorder` holds the
 * codes a file made. Those codes are `unique_code` rows of a new type `custom`, unique
 * system-wide (their link is `<prefix><id>`), with the file's SCM columns as JSON.
 *
 * Every code gets an activation status (0 inactive, 1 active, 2 blacklisted; generated codes
 * start active) and an optional blacklist reason. Users carry Scantrust permission strings for
 * the upload API (NULL: all of them).
 *
 * Both new tables hold a tenant's rows, so they get the policies of TenantRowSecurity: the role
 * `sid_tenant` sees the rows of `sid.account` only, every other role everything.
 */
export class CodeIngestion1795269100000 implements MigrationInterface {
  name = 'CodeIngestion1795269100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user ADD COLUMN permissions text[]
        CHECK (permissions <@ ARRAY['ingestion_code_create', 'ingestion_view', 'ingestion_cancel',
          'workorder_view', 'workorder_download', 'workorder_sid_download', 'product_view']);

      CREATE TABLE ingestion_record (
        id bigserial PRIMARY KEY,
        key text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9]{12}$'),
        account uuid NOT NULL REFERENCES account (id),
        description text NOT NULL DEFAULT 'Code ingestion file upload',
        status text NOT NULL DEFAULT 'uploading'
          CHECK (status IN ('uploading', 'processing', 'completed', 'error', 'cancelled')),
        type text NOT NULL DEFAULT 'code' CHECK (type = 'code'),
        ingestion_mode text NOT NULL DEFAULT 'api' CHECK (ingestion_mode = 'api'),
        filetype text NOT NULL CHECK (filetype IN ('csv', 'json')),
        object_key text NOT NULL UNIQUE,
        parameters jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(parameters) = 'object'),
        result_data jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(result_data) = 'object'),
        created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        status_updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ingestion_record_account_idx ON ingestion_record (account, id);
      CREATE INDEX ingestion_record_processing_idx ON ingestion_record (created_at)
        WHERE status = 'processing';

      CREATE TABLE workorder (
        id bigserial PRIMARY KEY,
        account uuid NOT NULL REFERENCES account (id),
        ingestion_record bigint UNIQUE REFERENCES ingestion_record (id) ON DELETE RESTRICT,
        reference text NOT NULL,
        remarks text,
        status text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'completed')),
        quantity integer NOT NULL CHECK (quantity >= 0),
        is_archived boolean NOT NULL DEFAULT false,
        file_key text UNIQUE,
        file_size bigint CHECK (file_size >= 0),
        file_checksum text CHECK (file_checksum ~ '^[0-9a-f]{64}$'),
        created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        -- A completed workorder always has its file, and only then.
        CHECK ((status = 'completed') = (file_key IS NOT NULL))
      );
      CREATE INDEX workorder_account_idx ON workorder (account, id);
      CREATE INDEX workorder_processing_idx ON workorder (created_at) WHERE status = 'processing';

      ALTER TABLE unique_code DROP CONSTRAINT unique_code_type_check;
      ALTER TABLE unique_code
        ADD CONSTRAINT unique_code_type_check
          CHECK (type IN ('sgtin', 'sscc', 'grai', 'short_code', 'custom')),
        ADD COLUMN activation_status smallint NOT NULL DEFAULT 1 CHECK (activation_status IN (0, 1, 2)),
        ADD COLUMN blacklist_reason text CHECK (length(blacklist_reason) <= 500),
        ADD COLUMN scm_data jsonb CHECK (jsonb_typeof(scm_data) = 'object'),
        ADD COLUMN workorder bigint REFERENCES workorder (id) ON DELETE RESTRICT,
        ADD CONSTRAINT unique_code_custom_id_rule
          CHECK (type <> 'custom' OR code ~ '^[A-Za-z0-9_-]{8,}$');
      -- An uploaded id stands alone in its link: unique system-wide, whatever its product.
      CREATE UNIQUE INDEX unique_code_custom_code_key ON unique_code (code) WHERE type = 'custom';
      -- A workorder's codes, in the order its file lists them.
      CREATE INDEX unique_code_workorder_idx ON unique_code (workorder, code) WHERE workorder IS NOT NULL;
    `);
    for (const table of TENANT_TABLES) {
      await q.query(`
        GRANT SELECT ON ${table} TO sid_tenant;
        ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
        CREATE POLICY tenant_rows ON ${table} TO sid_tenant
          USING (account = nullif(current_setting('sid.account', true), '')::uuid);
        CREATE POLICY not_tenant ON ${table} TO PUBLIC USING (current_user <> 'sid_tenant');
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM unique_code WHERE type = 'custom';
      ALTER TABLE unique_code
        DROP CONSTRAINT unique_code_custom_id_rule,
        DROP COLUMN workorder, DROP COLUMN scm_data, DROP COLUMN blacklist_reason,
        DROP COLUMN activation_status,
        DROP CONSTRAINT unique_code_type_check,
        ADD CONSTRAINT unique_code_type_check CHECK (type IN ('sgtin', 'sscc', 'grai', 'short_code'));
      DROP TABLE workorder, ingestion_record;
      ALTER TABLE app_user DROP COLUMN permissions;
    `);
  }
}
