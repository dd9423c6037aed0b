import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: tenants and users, GS1 master data (organisation, domain, product), the
 * files of exports, and the three collections of the code life cycle (identifier_job,
 * unique_code, code_reservation). Statuses, types and GS1 shapes are constrained here so that no
 * code path, present or future, can store what the API would refuse.
 */
export class InitialSchema1795265582627 implements MigrationInterface {
  name = 'InitialSchema1795265582627';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- GS1 mod-10 check digit: weights 3,1,3,... from the digit left of the check digit.
      CREATE FUNCTION gs1_check_digit_ok(digits text) RETURNS boolean
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT digits ~ '^[0-9]{2,}$' AND right(digits, 1)::int = (
          10 - (
            SELECT sum(substr(digits, length(digits) - i, 1)::int * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END)
            FROM generate_series(1, length(digits) - 1) AS i
          ) % 10
        ) % 10
      $$;

      CREATE TABLE account (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        date_created timestamptz NOT NULL DEFAULT now(),
        date_updated timestamptz
      );

      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        email text NOT NULL UNIQUE,
        first_name text,
        last_name text,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        -- sha256 (hex) of the user's static token; the token itself is never stored.
        token_hash text UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        date_created timestamptz NOT NULL DEFAULT now(),
        date_updated timestamptz
      );

      CREATE TABLE organisation (
        id text PRIMARY KEY CHECK (id ~ '^/417/[0-9]{13}$' AND gs1_check_digit_ok(substr(id, 6))),
        account uuid NOT NULL REFERENCES account (id),
        name text NOT NULL,
        gs1_company_prefix text CHECK (gs1_company_prefix ~ '^[0-9]{4,12}$'),
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz
      );
      CREATE INDEX organisation_account_idx ON organisation (account);

      CREATE TABLE domain (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        host text NOT NULL UNIQUE
          CHECK (host ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$'),
        is_default boolean NOT NULL DEFAULT false,
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz
      );
      CREATE UNIQUE INDEX domain_one_default_per_account ON domain (account) WHERE is_default;

      CREATE TABLE file (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        storage text NOT NULL DEFAULT 's3',
        storage_key text NOT NULL UNIQUE,
        filename_download text NOT NULL,
        title text,
        type text NOT NULL,
        filesize bigint NOT NULL CHECK (filesize >= 0),
        checksum text,
        uploaded_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
        uploaded_on timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE product (
        id text PRIMARY KEY CHECK (id = '/01/' || gtin),
        gtin text NOT NULL UNIQUE CHECK (gtin ~ '^[0-9]{14}$' AND gs1_check_digit_ok(gtin)),
        account uuid NOT NULL REFERENCES account (id),
        product_name text,
        brand uuid,
        custom_id text,
        digital_link text,
        product_redirection_url text,
        product_reference_document uuid REFERENCES file (id) ON DELETE SET NULL,
        packaging_type_code text,
        variant_description text,
        functional_name text,
        net_weight numeric,
        net_weight_unit text,
        gross_weight numeric,
        gross_weight_unit text,
        third_party_product boolean,
        finished_product boolean,
        primary_image uuid REFERENCES file (id) ON DELETE SET NULL,
        product_manufacturer text REFERENCES organisation (id) ON DELETE SET NULL,
        brand_owner text REFERENCES organisation (id) ON DELETE SET NULL,
        net_content numeric,
        net_content_unit text,
        product_redirection_rule uuid,
        fat_percentage_in_dry_matter numeric,
        percentage_of_alcohol_by_volume numeric,
        nutrient_basis_quantity numeric,
        nutrient_basis_quantity_type text,
        nutrient_basis_quantity_unit text,
        serving_size numeric,
        serving_size_unit text,
        in_package_height numeric,
        in_package_height_unit text,
        in_package_width numeric,
        in_package_width_unit text,
        in_package_depth numeric,
        in_package_depth_unit text,
        country_of_origin text,
        parent_product text REFERENCES product (id) ON DELETE SET NULL,
        size text,
        target_consumer_gender text,
        season_code text,
        color text,
        translations jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(translations) = 'array'),
        certifications jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(certifications) = 'array'),
        nutrients jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(nutrients) = 'array'),
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz
      );
      CREATE INDEX product_account_idx ON product (account);

      CREATE TABLE identifier_job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        length integer NOT NULL DEFAULT 8 CHECK (length BETWEEN 1 AND 20),
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
        reference_id text,
        type text NOT NULL DEFAULT 'sgtin' CHECK (type IN ('sgtin', 'sscc', 'grai', 'short_code')),
        product text REFERENCES product (id) ON DELETE RESTRICT,
        character_set text NOT NULL DEFAULT 'alphanumeric'
          CHECK (character_set IN ('alphanumeric', 'numeric', 'alphabetic', 'uppercase', 'hex', 'unambiguous')),
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'complete', 'error')),
        sscc_start_serial bigint NOT NULL DEFAULT 0 CHECK (sscc_start_serial >= 0),
        sscc_extension_digit smallint CHECK (sscc_extension_digit BETWEEN 0 AND 9),
        sscc_company_prefix text CHECK (sscc_company_prefix ~ '^[0-9]{4,12}$'),
        domain uuid REFERENCES domain (id) ON DELETE SET NULL,
        error_message text,
        quantity_created integer NOT NULL DEFAULT 0
          CHECK (quantity_created >= 0 AND quantity_created <= quantity),
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz,
        CHECK (type IN ('sscc', 'short_code') OR product IS NOT NULL),
        CHECK (type <> 'sscc' OR (sscc_company_prefix IS NOT NULL AND sscc_extension_digit IS NOT NULL))
      );
      CREATE INDEX identifier_job_account_idx ON identifier_job (account);
      CREATE INDEX identifier_job_unfinished_idx ON identifier_job (date_created)
        WHERE status IN ('new', 'in_progress');

      CREATE TABLE code_reservation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        reserved_for text REFERENCES organisation (id) ON DELETE RESTRICT,
        code_type text NOT NULL DEFAULT 'sgtin' CHECK (code_type IN ('sgtin', 'sscc', 'grai', 'short_code')),
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
        status text NOT NULL DEFAULT 'new'
          CHECK (status IN ('new', 'in_progress', 'complete', 'error', 'cancelled')),
        export_type text NOT NULL DEFAULT 'csv' CHECK (export_type IN ('csv', 'json', 'xml')),
        export_file uuid REFERENCES file (id) ON DELETE SET NULL,
        url_suffix text,
        product text REFERENCES product (id) ON DELETE RESTRICT,
        quantity_reserved integer NOT NULL DEFAULT 0
          CHECK (quantity_reserved >= 0 AND quantity_reserved <= quantity),
        error_message text,
        reference_id text,
        purchase_order text,
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz,
        CHECK (code_type IN ('sscc', 'short_code') OR product IS NOT NULL)
      );
      CREATE INDEX code_reservation_account_idx ON code_reservation (account);
      CREATE INDEX code_reservation_unfinished_idx ON code_reservation (date_created)
        WHERE status IN ('new', 'in_progress');

      CREATE TABLE unique_code (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account uuid NOT NULL REFERENCES account (id),
        code text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
        type text NOT NULL CHECK (type IN ('sgtin', 'sscc', 'grai', 'short_code')),
        product text REFERENCES product (id) ON DELETE RESTRICT,
        identifier_job uuid REFERENCES identifier_job (id) ON DELETE RESTRICT,
        reservation uuid REFERENCES code_reservation (id) ON DELETE RESTRICT,
        status text NOT NULL DEFAULT 'unassigned'
          CHECK (status IN ('unassigned', 'reserved', 'assigned', 'encoded')),
        digital_link text NOT NULL,
        epc_join_key text,
        custom_id text,
        user_created uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_created timestamptz NOT NULL DEFAULT now(),
        user_updated uuid REFERENCES app_user (id) ON DELETE SET NULL,
        date_updated timestamptz,
        -- A code in the pool belongs to nobody; a reserved code always to a reservation.
        CHECK ((status = 'unassigned') = (reservation IS NULL) OR status IN ('assigned', 'encoded'))
      );
      -- The code is unique within its product and type (NULL product included: SSCC, short codes).
      CREATE UNIQUE INDEX unique_code_code_key ON unique_code (product, type, code) NULLS NOT DISTINCT;
      -- SSCCs and short codes stand alone in a link, so they are unique system-wide.
      CREATE UNIQUE INDEX unique_code_global_code_key ON unique_code (type, code)
        WHERE type IN ('sscc', 'short_code');
      -- The pool: unassigned codes per product and type, claimed with SKIP LOCKED.
      CREATE INDEX unique_code_pool_idx ON unique_code (product, type) WHERE status = 'unassigned';
      CREATE INDEX unique_code_reservation_idx ON unique_code (reservation, id) WHERE reservation IS NOT NULL;
      CREATE INDEX unique_code_identifier_job_idx ON unique_code (identifier_job);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE unique_code, code_reservation, identifier_job, product, file, domain, organisation,
        app_user, account;
      DROP FUNCTION gs1_check_digit_ok(text);
    `);
  }
}
