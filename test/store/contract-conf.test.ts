// The backend contract on the conf file (peers.json) and on the in-memory backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfBackend } from '../../src/store/conf-backend.js';
import { MemoryBackend, MemoryVault } from '../../src/store/memory-backend.js';
import { testPeerStoreBackend } from './contract.js';

testPeerStoreBackend('conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgsh-contract-conf-'));
  return { backend: () => new ConfBackend({ file: join(dir, 'peers.json') }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

testPeerStoreBackend('memory', () => {
  const vault = new MemoryVault();
  return { backend: () => new MemoryBackend(vault), cleanup: () => {} };
});
