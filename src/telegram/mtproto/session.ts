// GramJS's StringSession keeps every entity row it ever saw in a Set of fresh arrays: one more
// row per result carrying a user or chat, without end (6,000 resolves: 6,000 rows). This session
// keeps the latest row per peer id instead (tgsh keeps its own peer store anyway).

import { StringSession } from 'telegram/sessions/index.js';

export class TgshStringSession extends StringSession {
  private readonly rowsById = new Map<string, unknown[]>();

  override processEntities(tlo: unknown): void {
    for (const row of this._entitiesToRows(tlo)) {
      const id = String(row[0]);
      const old = this.rowsById.get(id);
      if (old) this._entities.delete(old);
      this._entities.add(row);
      this.rowsById.set(id, row);
    }
  }

  /** Rows held (one per peer id). */
  get entityCount(): number {
    return this._entities.size;
  }
}
