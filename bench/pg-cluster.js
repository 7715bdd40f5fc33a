// A private PostgreSQL cluster for the benchmarks, the way test/helpers/postgres.ts starts one:
// initdb in a temp folder, started on a free port with its socket there (fsync off), stopped and
// removed at the end. As root, PostgreSQL runs as the `postgres` system user (runuser).
// findPostgresBin() is undefined when PostgreSQL is not installed.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const BIN_DIRS = ['/usr/local/bin', '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/14/bin', '/usr/lib/postgresql/13/bin'];

export function findPostgresBin() {
  const dirs = [...BIN_DIRS, ...(process.env.PATH ?? '').split(delimiter)];
  for (const d of dirs) if (d && ['initdb', 'pg_ctl', 'postgres', 'psql'].every((b) => existsSync(join(d, b)))) return d;
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

function postgresOwner() {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Starts a cluster: { port, url(db), sql(statement, db), createDatabase(), stop() }. */
export async function startPostgres(bin = findPostgresBin()) {
  if (!bin) throw new Error('no PostgreSQL');
  const owner = postgresOwner();
  const root = mkdtempSync(join(tmpdir(), 'tgsh-bench-pg-'));
  chmodSync(root, 0o755);
  if (owner) chownSync(root, owner.uid, owner.gid);
  const data = join(root, 'data');
  const run = (cmd, args) => {
    const full = join(bin, cmd);
    const [file, argv] = owner ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  if (owner) chownSync(join(data, 'pg_hba.conf'), owner.uid, owner.gid);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(root, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`, 'start']);
  const sql = (statement, db = 'postgres') => run('psql', ['-h', root, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtc', statement]);
  let n = 0;
  let stopped = false;
  return {
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    sql,
    createDatabase() {
      const name = `bench_${process.pid}_${++n}`;
      sql(`CREATE DATABASE ${name}`);
      return name;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
