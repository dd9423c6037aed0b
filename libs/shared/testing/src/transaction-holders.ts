import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Client } from 'pg';
import { AppProcess } from './app-process';

/**
 * The apps that hold a writing transaction in `database` right now (their PostgreSQL session has
 * a transaction id), e.g. to SIGKILL a worker in the middle of a claim: each session's client
 * port is matched with the sockets each process owns (/proc/net/tcp*, /proc/<pid>/fd). Linux only.
 */
export async function appsInTransaction(
  client: Client,
  database: string,
  apps: AppProcess[],
): Promise<AppProcess[]> {
  const { rows } = await client.query<{ client_port: number }>(
    `SELECT client_port FROM pg_stat_activity
     WHERE datname = $1 AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
    [database],
  );
  const inodes = new Set(rows.flatMap((row) => [...socketInodes(row.client_port, 5432)]));
  return apps.filter((app) => {
    const { pid, exitCode, signalCode } = app.child;
    return pid !== undefined && exitCode === null && signalCode === null && ownsSocket(pid, inodes);
  });
}

function ownsSocket(pid: number, inodes: Set<string>): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkOrEmpty(`/proc/${pid}/fd/${fd}`));
      return match !== null && inodes.has(match[1]);
    });
  } catch {
    return false;
  }
}

/** Inodes of the TCP sockets from local `port` to `remotePort`. */
function socketInodes(port: number, remotePort: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const local = parseInt(fields[1].split(':')[1], 16);
      const remote = parseInt(fields[2].split(':')[1], 16);
      if (local === port && remote === remotePort) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
