// The backend contract on SQLite (peers.sqlite through better-sqlite3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/store/sqlite-backend.js';
import { testPeerStoreBackend } from './contract.js';

testPeerStoreBackend('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgsh-contract-sqlite-'));
  return { backend: () => new SqliteBackend(join(dir, 'peers.sqlite')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});
