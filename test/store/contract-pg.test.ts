// The backend contract on a real PostgreSQL (a private cluster started for this file).
import { afterAll, beforeAll, describe } from 'vitest';
import { PgBackend } from '../../src/store/pg-backend.js';
import { POSTGRES_BIN, POSTGRES_SKIP_REASON, startPostgres, type PgCluster } from '../helpers/postgres.js';
import { testPeerStoreBackend } from './contract.js';

if (!POSTGRES_BIN) console.warn(POSTGRES_SKIP_REASON);

describe.skipIf(!POSTGRES_BIN)('postgres', () => {
  let pg: PgCluster;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(() => pg?.stop());

  testPeerStoreBackend('postgres', () => {
    const db = pg.createDatabase();
    return { backend: () => new PgBackend(pg.url(db)), cleanup: () => void pg.sql(`DROP DATABASE ${db} WITH (FORCE)`) };
  });
});
