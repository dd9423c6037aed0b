import { sleep, withCheckDigit } from '../bench/bench-processes';
import { Answer, ChaosClient } from './chaos-client';
import { AcknowledgedUpload, IngestionWorkload } from './chaos-ingestion';
import { ChaosOptions, Rng } from './chaos-options';

export const PRODUCTS = {
  a: `/01/${withCheckDigit('0950600013435')}`,
  b: `/01/${withCheckDigit('0950600013436')}`,
  c: `/01/${withCheckDigit('0950600013437')}`,
};
export const ORGANISATION = `/417/${withCheckDigit('950600000000')}`;
const SSCC = { sscc_company_prefix: '9506000', sscc_extension_digit: 3 };

/** What a code type's jobs and reservations are made of, and its share of the codes. */
const STREAMS = [
  { name: 'sgtin-a', share: 35, job: { type: 'sgtin', product: PRODUCTS.a } },
  { name: 'sgtin-b', share: 20, job: { type: 'sgtin', product: PRODUCTS.b, length: 12 } },
  { name: 'grai-c', share: 15, job: { type: 'grai', product: PRODUCTS.c } },
  { name: 'sscc', share: 15, job: { type: 'sscc', ...SSCC } },
  { name: 'short', share: 15, job: { type: 'short_code', length: 10 } },
] as const;

/** Every write the API acknowledged (2xx), to be found again in the database afterwards. */
export interface Acknowledged {
  jobs: { id: string; quantity: number }[];
  reservations: { id: string; quantity: number }[];
  cancelled: string[];
  /** Cancellations refused with a 4xx (the reservation was complete by then). */
  cancelRefused: string[];
  /** Codes a batch PATCH moved, with the status it answered for them. */
  moved: { ids: string[]; status: 'assigned' | 'encoded' }[];
  /** Upload API records (get-post-data 201), with whether their file went up and was processed. */
  uploads: AcknowledgedUpload[];
  /** Writes that got no answer after reaching the gateway: done or not, nobody was told. */
  unanswered: number;
}

/**
 * The run's traffic, as several partners would send it: identifier jobs of every type, bursts of
 * reservations of mixed sizes (some cancelled midway), readers of the four read shapes, and
 * clients moving codes along their life cycle with batch PATCHes. Writes are retried until
 * answered; only 2xx answers are recorded as acknowledged.
 */
export class ChaosWorkload {
  readonly ack: Acknowledged = {
    jobs: [],
    reservations: [],
    cancelled: [],
    cancelRefused: [],
    moved: [],
    uploads: [],
    unanswered: 0,
  };
  readonly ingestion: IngestionWorkload;
  private stopped = false;
  private readonly knownCodes: string[] = [];

  constructor(
    private readonly api: ChaosClient,
    private readonly options: ChaosOptions,
    private readonly rng: Rng,
    /** The uploads' own generator: adding them left the other streams' draws as they were. */
    ingestionRng: Rng,
  ) {
    this.ingestion = new IngestionWorkload(api, options, ingestionRng, this.ack);
  }

  /** Products, the organisation and the uploading accounts (before any fault). */
  async setup(): Promise<void> {
    for (const [key, id] of Object.entries(PRODUCTS)) {
      await this.mustWrite('setup', 'POST', '/items/product', {
        gtin: id.slice(4),
        product_name: `Chaos ${key}`,
      });
    }
    // Without a pool policy (or an earlier job) an SSCC reservation cannot know which company
    // prefix to continue, and fails by design when it comes before the first SSCC job.
    await this.mustWrite('setup', 'POST', '/items/code_pool', {
      code_type: 'sscc',
      ...SSCC,
      min_unassigned: 1,
      refill_quantity: 1_000,
    });
    await this.mustWrite('setup', 'POST', '/items/organisation', {
      id: ORGANISATION,
      name: 'Chaos Printers',
    });
    await this.ingestion.setup();
  }

  /** Runs every stream until `durationMs` has passed (writes already sent are finished). */
  async run(durationMs: number): Promise<void> {
    const started = Date.now();
    const until = (fraction: number) =>
      sleep(Math.max(0, started + durationMs * fraction - Date.now()));
    const loops = [
      ...Array.from({ length: this.options.readers }, () => this.readLoop()),
      ...Array.from({ length: this.options.patchers }, () => this.patchLoop()),
    ];
    const writes = [this.jobs(until), this.reservations(until), this.ingestion.run(until)];
    await until(1);
    this.stopped = true;
    await Promise.all([...writes, ...loops]);
  }

  private async jobs(until: (fraction: number) => Promise<void>): Promise<void> {
    const posts: Promise<void>[] = [];
    for (const stream of STREAMS) {
      const total = Math.round((this.options.codes * stream.share) / 100);
      const count = Math.max(2, Math.ceil(total / 200_000));
      for (let i = 0; i < count; i++) {
        const quantity = Math.floor(total / count) + (i < total % count ? 1 : 0);
        const at = this.rng.next() * 0.5;
        posts.push(
          until(at).then(async () => {
            const body = { ...stream.job, quantity, reference_id: `chaos ${stream.name} ${i}` };
            const id = await this.mustWrite(
              'post identifier_job',
              'POST',
              '/items/identifier_job',
              body,
            );
            if (id) this.ack.jobs.push({ id, quantity });
          }),
        );
      }
    }
    await Promise.all(posts);
  }

  private async reservations(until: (fraction: number) => Promise<void>): Promise<void> {
    const bursts = [0.05, 0.3, 0.55];
    const posts: Promise<void>[] = [];
    const exportTypes = ['csv', 'json', 'xml'] as const;
    for (let i = 0; i < this.options.reservations; i++) {
      const stream = this.rng.pick(STREAMS);
      const quantity = this.rng.logInt(this.options.maxReservation);
      const cancelAfterMs =
        this.rng.int(1, 100) <= this.options.cancelPercent ? this.rng.int(200, 10_000) : null;
      const body = {
        code_type: stream.job.type,
        ...('product' in stream.job ? { product: stream.job.product } : {}),
        quantity,
        export_type: exportTypes[i % 3],
        reference_id: `CHAOS-${i}`,
        reserved_for: ORGANISATION,
      };
      posts.push(
        until(bursts[i % bursts.length]).then(async () => {
          const id = await this.mustWrite(
            'post code_reservation',
            'POST',
            '/items/code_reservation',
            body,
          );
          if (!id) return;
          this.ack.reservations.push({ id, quantity });
          if (cancelAfterMs === null) return;
          await sleep(cancelAfterMs);
          for (;;) {
            const answer = await this.api.call(
              'cancel reservation',
              'PATCH',
              `/items/code_reservation/${id}`,
              {
                status: 'cancelled',
              },
            );
            if (answer.status >= 200 && answer.status < 300) this.ack.cancelled.push(id);
            else if (answer.status >= 400 && answer.status < 500) this.ack.cancelRefused.push(id);
            else if (mayResend(answer)) {
              await sleep(500);
              continue;
            } else this.ack.unanswered++;
            return;
          }
        }),
      );
    }
    await Promise.all(posts);
  }

  private async readLoop(): Promise<void> {
    const shapes: [string, () => string][] = [
      ['read list 100', () => '/items/unique_code?limit=100'],
      [
        'read filter + count',
        () => '/items/unique_code?filter[status][_eq]=reserved&meta=filter_count&limit=10',
      ],
      [
        'read by code',
        () =>
          `/items/unique_code?filter[code][_eq]=${encodeURIComponent(this.rng.pick(this.knownCodes) ?? 'none')}&limit=1`,
      ],
      [
        'read with relation',
        () => '/items/unique_code?limit=100&fields=id,code,identifier_job.reference_id',
      ],
    ];
    while (!this.stopped) {
      const [kind, path] = this.rng.pick(shapes);
      const answer = await this.api.call<{ data?: { code: string }[] }>(kind, 'GET', path());
      if (kind === 'read list 100' && this.knownCodes.length < 1000)
        for (const row of answer.body?.data ?? []) this.knownCodes.push(row.code);
      if (answer.status !== 200) await sleep(200);
    }
  }

  private async patchLoop(): Promise<void> {
    while (!this.stopped) {
      await sleep(300);
      const done = await this.api.call<{ data?: { id: string }[] }>(
        'read reservations',
        'GET',
        '/items/code_reservation?filter[status][_eq]=complete&fields=id&limit=50&sort=-date_updated',
      );
      const reservations = done.body?.data ?? [];
      if (reservations.length === 0) continue;
      const reservation = this.rng.pick(reservations).id;
      const [from, to] =
        this.rng.next() < 0.7
          ? (['reserved', 'assigned'] as const)
          : (['assigned', 'encoded'] as const);
      const codes = await this.api.call<{ data?: { id: string }[] }>(
        'read codes to move',
        'GET',
        `/items/unique_code?filter[reservation][_eq]=${reservation}&filter[status][_eq]=${from}&fields=id&limit=${this.rng.int(1, 200)}`,
      );
      const ids = (codes.body?.data ?? []).map((row) => row.id);
      if (ids.length === 0) continue;
      const moved = await this.api.call(
        'batch patch codes',
        'PATCH',
        '/items/unique_code?fields=id&limit=1',
        {
          keys: ids,
          data: { status: to },
        },
      );
      if (moved.status >= 200 && moved.status < 300) this.ack.moved.push({ ids, status: to });
    }
  }

  /**
   * Sends until the API answers; the created id on a 2xx, undefined otherwise. Sent again only
   * when it cannot have been done (refused connection, 503): a POST that timed out may have been
   * written, and sending it again would be a second one.
   */
  private async mustWrite(
    kind: string,
    method: string,
    path: string,
    body: unknown,
  ): Promise<string | undefined> {
    for (;;) {
      const answer = await this.api.call<{ data?: { id: string } }>(kind, method, path, body);
      if (answer.status >= 200 && answer.status < 300) return answer.body?.data?.id ?? '';
      if (answer.status >= 400 && answer.status < 500) {
        console.error(`[chaos] ${kind} refused: ${answer.status} ${JSON.stringify(answer.body)}`);
        return undefined;
      }
      if (!mayResend(answer)) {
        this.ack.unanswered++;
        return undefined;
      }
      await sleep(500);
    }
  }
}

/** Whether a write certainly did not happen, so that sending it again is safe. */
function mayResend(answer: Answer): boolean {
  return answer.refused === true || answer.status === 503;
}
