import { sleep, withCheckDigit } from '../bench/bench-processes';
import { Answer, ChaosClient } from './chaos-client';
import { ChaosOptions, Rng } from './chaos-options';
import type { Acknowledged } from './chaos-workload';

/** What a planned file is made to be, and so how its record must end. */
export type UploadKind =
  | 'valid'
  /** One id twice, processed with `allow_posted_duplicates`: completed, the first kept. */
  | 'allowed_duplicate'
  /** One id twice, without the permission: error. */
  | 'posted_duplicate'
  | 'invalid_id'
  | 'unknown_product'
  /** Starts with ids of an earlier file: of the two, exactly one may complete. */
  | 'shares_ids';

/** One uploaded file, from its record's 201 on. */
export interface AcknowledgedUpload {
  key: string;
  /** The file's place in the plan. */
  file: number;
  kind: UploadKind;
  /** For `shares_ids`: the planned file whose first ids it repeats. */
  rivalFile?: number;
  /** The file went up (S3 answered the presigned POST with 201). */
  posted: boolean;
  /** `process` answered 2xx: the record must be found started (and then finished). */
  processed: boolean;
}

interface PlannedFile {
  index: number;
  client: number;
  kind: UploadKind;
  filetype: 'csv' | 'json';
  ids: string[];
  /** Products named by row (a client's custom_id, or a name no product has). */
  products: (string | null)[];
  rivalIndex?: number;
  /** Share of the workload's wall time after which it is uploaded. */
  at: number;
}

interface Uploader {
  token: string;
  sku: string;
}

/** Which kind a planned file gets: most files are valid, one in three has a deliberate error. */
const KINDS: readonly UploadKind[] = [
  'valid',
  'valid',
  'valid',
  'valid',
  'valid',
  'allowed_duplicate',
  'posted_duplicate',
  'invalid_id',
  'unknown_product',
  'shares_ids',
];

/**
 * Customers bringing their own codes: several accounts, each with a product, upload CSV and JSON
 * files of mixed sizes through Scantrust's upload API (get-post-data, the presigned POST to S3,
 * process), some valid and some with deliberate errors, while the faults happen. Every 2xx is
 * recorded, so that the checks can find each record again and say how it must have ended.
 */
export class IngestionWorkload {
  /** Records whose file never went up (S3 down past every retry): left `uploading`, by design. */
  notPosted = 0;
  codesPlanned = 0;
  private readonly uploaders: Uploader[] = [];
  private readonly files: PlannedFile[] = [];

  constructor(
    private readonly api: ChaosClient,
    private readonly options: ChaosOptions,
    private readonly rng: Rng,
    /** Where acknowledged uploads (and writes left unanswered) are recorded. */
    private readonly ack: Pick<Acknowledged, 'uploads' | 'unanswered'>,
  ) {}

  /** The uploading accounts, their users and one product each (before any fault). */
  async setup(): Promise<void> {
    for (let n = 0; n < this.options.uploaders; n++) {
      const user = await this.mustWrite<{ data?: { token: string } }>('setup', 'POST', '/users', {
        email: `uploader${n}@chaos.example`,
        account_name: `Chaos uploader ${n}`,
      });
      const token = user?.data?.token;
      if (!token) throw new Error(`uploader ${n} was not created`);
      const sku = `sku-${n}`;
      const gtin = withCheckDigit(`0950600200${String(n).padStart(3, '0')}`);
      await this.mustWrite(
        'setup',
        'POST',
        '/items/product',
        { gtin, custom_id: sku, product_name: `Uploaded ${n}` },
        `Bearer ${token}`,
      );
      this.uploaders.push({ token, sku });
    }
    this.plan();
  }

  /** Uploads and processes every planned file, each at its moment; resolves when all are sent. */
  async run(until: (fraction: number) => Promise<void>): Promise<void> {
    const byClient = new Map<number, PlannedFile[]>();
    for (const file of this.files)
      byClient.set(file.client, [...(byClient.get(file.client) ?? []), file]);
    await Promise.all(
      [...byClient.values()].map(async (files) => {
        for (const file of files.sort((a, b) => a.at - b.at)) {
          await until(file.at);
          await this.upload(file);
        }
      }),
    );
  }

  /** Sizes log-uniform up to CHAOS_MAX_UPLOAD; CSV and JSON; ids unique across the run. */
  private plan(): void {
    for (let index = 0; index < this.options.uploads; index++) {
      const client = index % this.uploaders.length;
      const valid = this.files.filter((f) => f.kind === 'valid');
      let kind = this.rng.pick(KINDS);
      if (kind === 'shares_ids' && valid.length === 0) kind = 'valid';
      const size = Math.max(2, this.rng.logInt(this.options.maxUpload));
      const ids = Array.from(
        { length: size },
        (_, i) => `up${index}n${String(i).padStart(6, '0')}`,
      );
      const sku = this.uploaders[client].sku;
      const products = ids.map(() => (this.rng.next() < 0.5 ? sku : null));
      let rivalIndex: number | undefined;
      const at = this.rng.next() * 0.6;
      if (kind === 'posted_duplicate' || kind === 'allowed_duplicate') {
        ids.push(ids[this.rng.int(0, ids.length - 1)]);
        products.push(null);
      } else if (kind === 'invalid_id') {
        ids.splice(this.rng.int(0, ids.length - 1), 1, 'bad id!');
      } else if (kind === 'unknown_product') {
        products[this.rng.int(0, ids.length - 1)] = 'no-such-sku';
      } else if (kind === 'shares_ids') {
        const rival = this.rng.pick(valid);
        rivalIndex = rival.index;
        const shared = rival.ids.slice(0, Math.min(rival.ids.length, this.rng.int(1, 50)));
        ids.splice(0, 0, ...shared);
        // Another client's product is unknown to this one: the shared rows name none.
        products.splice(0, 0, ...shared.map(() => null));
      }
      // Files sharing ids are uploaded close together, so that they race.
      const file: PlannedFile = {
        index,
        client,
        kind,
        filetype: this.rng.next() < 0.5 ? 'csv' : 'json',
        ids,
        products,
        rivalIndex,
        at: rivalIndex === undefined ? at : this.files[rivalIndex].at,
      };
      this.codesPlanned += ids.length;
      this.files.push(file);
    }
  }

  private async upload(file: PlannedFile): Promise<void> {
    const auth = `UAT ${this.uploaders[file.client].token}`;
    const created = await this.mustWrite<{
      record_key?: string;
      post_data?: { url: string; fields: Record<string, string> };
    }>(
      'upload get-post-data',
      'POST',
      '/api/v2/ingestion/codes/upload/get-post-data/',
      { filetype: file.filetype },
      auth,
    );
    if (!created?.record_key || !created.post_data) return;
    const upload: AcknowledgedUpload = {
      key: created.record_key,
      file: file.index,
      kind: file.kind,
      rivalFile: file.rivalIndex,
      posted: false,
      processed: false,
    };
    this.ack.uploads.push(upload);
    upload.posted = await this.post(created.post_data, file);
    if (!upload.posted) {
      this.notPosted++;
      return;
    }
    const processed = await this.mustWrite(
      'upload process',
      'POST',
      '/api/v2/ingestion/codes/upload/process/',
      {
        record: upload.key,
        default_scm_data: { uploaded_by: `client ${file.client}` },
        ...(file.kind === 'allowed_duplicate' ? { allow_posted_duplicates: true } : {}),
      },
      auth,
    );
    upload.processed = processed !== undefined;
  }

  /** The presigned POST, sent again while the store is down (it cannot have half-happened). */
  private async post(
    post: { url: string; fields: Record<string, string> },
    file: PlannedFile,
  ): Promise<boolean> {
    const content = render(file);
    const tally = this.api.tally('upload presigned POST to S3');
    for (let attempt = 1; attempt <= 60; attempt++) {
      const form = new FormData();
      for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
      form.append('file', new Blob([content]), `codes.${file.filetype}`);
      const status = await fetch(post.url, {
        method: 'POST',
        body: form,
        signal: AbortSignal.timeout(60_000),
      }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 201) {
        tally.ok++;
        return true;
      }
      // The store's 5xx are not the platform's answers: counted as unavailable.
      if (status === 0) tally.no_answer++;
      else if (status < 500) {
        tally.client_error++;
        return false;
      } else tally.unavailable++;
      await sleep(1000);
    }
    return false;
  }

  /** As ChaosWorkload.mustWrite: sent again only when it cannot have happened; the body on a 2xx. */
  private async mustWrite<T>(
    kind: string,
    method: string,
    path: string,
    body: unknown,
    authorization?: string,
  ): Promise<T | undefined> {
    for (;;) {
      const answer: Answer<T> = await this.api.call<T>(kind, method, path, body, authorization);
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      if (answer.status >= 400 && answer.status < 500) {
        console.error(`[chaos] ${kind} refused: ${answer.status} ${JSON.stringify(answer.body)}`);
        return undefined;
      }
      if (!(answer.refused === true || answer.status === 503)) {
        this.ack.unanswered++;
        return undefined;
      }
      await sleep(500);
    }
  }
}

/** The file's bytes: CSV with a header, or a JSON array of objects. */
function render(file: PlannedFile): string {
  const lot = (i: number) => `lot-${file.index}-${Math.floor(i / 1000)}`;
  if (file.filetype === 'csv') {
    const lines = file.ids.map((id, i) => `${id},${file.products[i] ?? ''},${lot(i)}`);
    return `id,product,lot\n${lines.join('\n')}\n`;
  }
  return JSON.stringify(
    file.ids.map((id, i) => ({
      id,
      ...(file.products[i] === null ? {} : { product: file.products[i] }),
      lot: lot(i),
    })),
  );
}
