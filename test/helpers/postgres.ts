// A private PostgreSQL cluster for tests: initdb in a temp folder, started on a free port with
// its unix socket in that folder, stopped and removed at the end. No server is assumed to run.
// Root can not run postgres: then the folder belongs to the `postgres` system user and initdb /
// pg_ctl run through runuser. Roles: the superuser `postgres` (trust on 127.0.0.1) and `locked`,
// which must give a password (scram), for the refusal tests.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const BIN_DIRS = ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/14/bin', '/usr/lib/postgresql/13/bin'];

/** The folder holding initdb, pg_ctl and postgres, or undefined when PostgreSQL is not installed. */
export function findPostgresBin(): string | undefined {
  const dirs = [...BIN_DIRS, ...(process.env.PATH ?? '').split(delimiter)];
  // /usr/local/bin may hold only some of them: take the folder that has all four.
  for (const d of dirs) if (d && ['initdb', 'pg_ctl', 'postgres', 'psql'].every((b) => existsSync(join(d, b)))) return d;
  return undefined;
}

export const POSTGRES_BIN = findPostgresBin();
export const POSTGRES_SKIP_REASON = POSTGRES_BIN ? undefined : 'no PostgreSQL (initdb) found: the postgres tests are skipped (scripts/ci-postgres.sh installs it)';

export interface PgCluster {
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<db>` (trust). */
  url(db: string, user?: string, password?: string): string;
  /** Runs SQL as the superuser (psql). */
  sql(statement: string, db?: string): string;
  createDatabase(): string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function postgresUid(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root and there is no postgres system user to run PostgreSQL as');
  }
}

let dbCounter = 0;

export async function startPostgres(): Promise<PgCluster> {
  const bin = POSTGRES_BIN;
  if (!bin) throw new Error(POSTGRES_SKIP_REASON);
  const owner = postgresUid();
  const root = mkdtempSync(join(tmpdir(), 'tgsh-pg-'));
  chmodSync(root, 0o755);
  if (owner) chownSync(root, owner.uid, owner.gid);
  const data = join(root, 'data');
  const run = (cmd: string, args: string[]): string => {
    const full = join(bin, cmd);
    const [file, argv] = owner ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  writeFileSync(
    join(data, 'pg_hba.conf'),
    ['local all all trust', 'host all locked 127.0.0.1/32 scram-sha-256', 'host all all 127.0.0.1/32 trust', ''].join('\n'),
  );
  if (owner) chownSync(join(data, 'pg_hba.conf'), owner.uid, owner.gid);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(root, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`, 'start']);
  const stopNow = (): void => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  const sql = (statement: string, db = 'postgres'): string => run('psql', ['-h', root, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtc', statement]);
  try {
    sql(`CREATE ROLE locked LOGIN PASSWORD 'right-horse-battery'`);
  } catch (e) {
    stopNow();
    throw e;
  }
  let stopped = false;
  return {
    port,
    url: (db, user = 'postgres', password) => `postgres://${user}${password !== undefined ? ':' + password : ''}@127.0.0.1:${port}/${db}`,
    sql,
    createDatabase: () => {
      const name = `tgsh_${process.pid}_${++dbCounter}`;
      sql(`CREATE DATABASE ${name}`);
      return name;
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      stopNow();
    },
  };
}
