/** The reservation an export is for, with what the file's rows and name need. */
export const READ_RESERVATION = `
  SELECT id, account, status, quantity, quantity_reserved, export_type, export_file, url_suffix,
         reference_id, product, code_type, user_created
  FROM code_reservation
  WHERE id = $1`;

/**
 * One page of a reservation's codes in key order (keyset pagination on the
 * (reservation, id) index: every page is an index range scan, however deep).
 */
export const PAGE_OF_CODES = `
  SELECT id, code, digital_link || $3 AS digital_link, epc_join_key, type, product, status
  FROM unique_code
  WHERE reservation = $1 AND id > $2
  ORDER BY id
  LIMIT $4`;

export const LOCK_RESERVATION_FOR_FILE = `
  SELECT status, export_file FROM code_reservation WHERE id = $1 FOR UPDATE`;

export const INSERT_FILE = `
  INSERT INTO file (id, account, storage, storage_key, filename_download, title, type, filesize, checksum, uploaded_by)
  VALUES ($1, $2, 's3', $3, $4, $5, $6, $7, $8, $9)`;

export const COMPLETE_RESERVATION = `
  UPDATE code_reservation SET export_file = $2, status = 'complete', error_message = NULL, date_updated = now()
  WHERE id = $1`;
