// A small conf-backed JSON file (settings, credentials): read once at open, each change is one
// locked read-modify-write (another process's changes to other keys are kept). A corrupt file is
// moved aside and reported, like the peer store.

import { ConfDriver, CorruptFileError, type Doc } from './conf-driver.js';

export type Notice = (text: string) => void;

export class SmallConfFile {
  private readonly driver: ConfDriver;
  private data: Doc = {};

  constructor(
    readonly file: string,
    private readonly what: string,
    private readonly notice: Notice,
  ) {
    this.driver = new ConfDriver(file);
  }

  /** Reads the file (once); a corrupt file is moved aside and an empty document used. */
  async load(): Promise<Doc> {
    try {
      this.data = this.driver.read().doc ?? {};
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      const { acquireLock } = await import('./lock.js');
      const release = await acquireLock(this.file);
      try {
        // Under the lock: another process may have replaced it meanwhile.
        try {
          this.data = this.driver.read().doc ?? {};
        } catch (e2) {
          if (!(e2 instanceof CorruptFileError)) throw e2;
          const aside = this.driver.moveAside();
          this.notice(`tgsh: the ${this.what} file ${this.file} could not be read (${e2.reason}); it was moved to ${aside} and tgsh starts with empty ${this.what}`);
          this.data = {};
        }
      } finally {
        await release();
      }
    }
    return this.data;
  }

  current(): Doc {
    return this.data;
  }

  /** Changes the file under the lock: `change` gets the freshly read document and edits it. */
  async update(change: (doc: Doc) => void): Promise<Doc> {
    const { acquireLock } = await import('./lock.js');
    const release = await acquireLock(this.file);
    try {
      let doc: Doc;
      try {
        doc = this.driver.read().doc ?? {};
      } catch (e) {
        if (!(e instanceof CorruptFileError)) throw e;
        const aside = this.driver.moveAside();
        this.notice(`tgsh: the ${this.what} file ${this.file} could not be read (${e.reason}); it was moved to ${aside}`);
        doc = {};
      }
      change(doc);
      await this.driver.write(doc);
      this.data = doc;
      return doc;
    } finally {
      await release();
    }
  }
}
