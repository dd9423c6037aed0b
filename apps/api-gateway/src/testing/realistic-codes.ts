import { EntityManager } from 'typeorm';
import { gs1CheckDigit } from '@sid/identifiers';

export interface LoadedAccount {
  account: string;
  /** The big job's product first; its reservation and a code of each kind, to look up. */
  products: string[];
  bigJob: string;
  epcJob: string;
  reservation: string;
  code: string;
  digitalLink: string;
  epcHex: string;
  epcUri: string;
  customId: string;
  /** How many codes were written. */
  codes: number;
}

const LINK_HOST = 'id.test.example';

function gtin(seed: number): string {
  const body = `0950600${String(seed).padStart(6, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
}

/**
 * Loads one account's codes as production leaves them, in SQL with generate_series: a big job of
 * `big` SGTIN codes (a reservation holding `big / 10` of them, `big / 100` of those assigned, the
 * rest unassigned), an EPC-mode job of `big / 7` codes (epc_uri, epc_hex) and a job of `big / 10`
 * codes registered with a custom_id, and the account's `history`: finished jobs of a fourth product
 * whose codes were all encoded long ago (the bulk of a table in production). Statistics are left to the caller's production step.
 * Run it in a transaction: the codes skip their per-row foreign-key triggers as the generator's
 * chunks do (every parent is inserted here, in the same transaction).
 */
export async function loadAccountCodes(
  db: EntityManager,
  account: string,
  user: string,
  gtinSeed: number,
  big: number,
  history: { jobs: number; codes: number } = { jobs: 0, codes: 0 },
): Promise<LoadedAccount> {
  await db.query(`SET LOCAL session_replication_role = replica`);
  const products = [0, 1, 2, 3].map((i) => `/01/${gtin(gtinSeed + i)}`);
  for (const id of products) {
    await db.query(
      `INSERT INTO product (id, gtin, account, user_created) VALUES ($1, $2, $3, $4)`,
      [id, id.slice(4), account, user],
    );
  }
  const job = async (product: string, quantity: number, epc: boolean): Promise<string> => {
    const [{ id }] = await db.query(
      `INSERT INTO identifier_job (account, product, quantity, quantity_created, status, type,
         length, character_set, epc_mode, user_created)
       VALUES ($1, $2, $3, $3, 'complete', 'sgtin', $4, $5, $6, $7) RETURNING id`,
      [account, product, quantity, epc ? 12 : 10, epc ? 'numeric' : 'hex', epc, user],
    );
    return id;
  };
  const bigJob = await job(products[0], big, false);
  const epcCount = Math.floor(big / 7);
  const epcJob = await job(products[1], epcCount, true);
  const customCount = Math.floor(big / 10);
  const customJob = await job(products[2], customCount, false);
  const held = Math.floor(big / 10);
  const [{ id: reservation }] = await db.query(
    `INSERT INTO code_reservation (account, product, quantity, quantity_reserved, status, user_created)
     VALUES ($1, $2, $3, $3, 'complete', $4) RETURNING id`,
    [account, products[0], held, user],
  );
  const insert = (select: string, params: unknown[]) =>
    db.query(
      `INSERT INTO unique_code (account, type, product, identifier_job, user_created, code,
         digital_link, epc_join_key, status, reservation, epc_uri, epc_hex, custom_id)
       SELECT $1::uuid, 'sgtin', $2::text, $3::uuid, $4::uuid, c.code,
         'https://${LINK_HOST}/01/' || substr($2::text, 5) || '/21/' || c.code,
         substr($2::text, 5) || '-' || c.code, ${select}
       FROM (SELECT g, upper(substr(md5($3::text || g), 1, 10)) AS code
             FROM generate_series(1, $5::int) g) c`,
      params,
    );
  await insert(
    `CASE WHEN g <= $6 / 10 THEN 'assigned' WHEN g <= $6 THEN 'reserved' ELSE 'unassigned' END,
     CASE WHEN g <= $6 THEN $7::uuid END, NULL, NULL, NULL`,
    [account, products[0], bigJob, user, big, held, reservation],
  );
  await insert(
    `'unassigned', NULL, 'urn:epc:id:sgtin:0950600.0' || substr($2::text, 12, 6) || '.' || g,
     '3074' || lpad(upper(to_hex(g)), 20, '0'), NULL`,
    [account, products[1], epcJob, user, epcCount],
  );
  await insert(`'unassigned', NULL, NULL, NULL, 'CUST-' || $3::text || '-' || g`, [
    account,
    products[2],
    customJob,
    user,
    customCount,
  ]);
  for (let i = 0; i < history.jobs; i++) {
    const done = await job(products[3], history.codes, false);
    await insert(`'encoded', NULL, NULL, NULL, NULL`, [
      account,
      products[3],
      done,
      user,
      history.codes,
    ]);
  }
  const [sample] = await db.query(
    `SELECT
       (SELECT code FROM unique_code WHERE identifier_job = $1 ORDER BY code OFFSET 77 LIMIT 1) AS code,
       (SELECT digital_link FROM unique_code WHERE identifier_job = $1 ORDER BY code OFFSET 78 LIMIT 1) AS link,
       (SELECT epc_hex FROM unique_code WHERE identifier_job = $2 ORDER BY code OFFSET 5 LIMIT 1) AS hex,
       (SELECT epc_uri FROM unique_code WHERE identifier_job = $2 ORDER BY code OFFSET 6 LIMIT 1) AS uri,
       (SELECT custom_id FROM unique_code WHERE identifier_job = $3 ORDER BY code OFFSET 7 LIMIT 1) AS custom`,
    [bigJob, epcJob, customJob],
  );
  return {
    account,
    products,
    bigJob,
    epcJob,
    reservation,
    code: sample.code,
    digitalLink: sample.link,
    epcHex: sample.hex,
    epcUri: sample.uri,
    customId: sample.custom,
    codes: big + epcCount + customCount + history.jobs * history.codes,
  };
}
