import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3 } from './local-s3';

function accepts(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startLocalS3', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sid-local-s3-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('starts s3rver on free ports when asked for port 0, and stop() shuts it down', async () => {
    const [one, two] = await Promise.all([
      startLocalS3({ port: 0, directory: join(directory, 'one') }),
      startLocalS3({ port: 0, directory: join(directory, 'two') }),
    ]);
    try {
      expect(one.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect(two.endpoint).not.toBe(one.endpoint);
      expect(await accepts(one.endpoint)).toBe(true);
      const listing = await fetch(`${one.endpoint}/`);
      expect(await listing.text()).toContain('ListAllMyBucketsResult');
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    expect(await accepts(one.endpoint)).toBe(false);
    expect(await accepts(two.endpoint)).toBe(false);
  });

  it('fails with the reason when s3rver cannot start', async () => {
    const first = await startLocalS3({ port: 0, directory: join(directory, 'busy') });
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startLocalS3({ port, directory: join(directory, 'busy-2') })).rejects.toThrow(
        /s3rver exited before listening.*EADDRINUSE/s,
      );
    } finally {
      await first.stop();
    }
  });
});
