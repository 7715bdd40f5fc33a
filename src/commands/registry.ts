// Every command tgsh knows, in help order. A command is one file exporting a CommandSpec.

import type { CommandRegistry, CommandSpec } from './types.js';
import { help } from './help.js';
import { version } from './version.js';
import { quit, safeQuit } from './quit.js';
import { stats } from './stats.js';
import { sandbox } from './sandbox.js';
import { contactList } from './contact-list.js';
import { dialogList } from './dialog-list.js';
import { userInfo } from './user-info.js';
import { chatInfo } from './chat-info.js';
import { channelInfo } from './channel-info.js';
import { resolveUsername } from './resolve-username.js';
import { getSelf } from './get-self.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { forget } from './forget.js';
import { purge } from './purge.js';
import { exportPeers } from './export.js';
import { importPeers } from './import.js';
import { store } from './store.js';
import { settings } from './settings.js';
import { msg } from './msg.js';
import { sendText } from './send-text.js';
import { sendPhoto, sendDocument, sendFile, sendVideo, sendAudio } from './send-file.js';
import { startLinkCommand } from './start-link.js';
import { sync } from './sync.js';
import { broadcast } from './broadcast.js';
import { listen } from './listen.js';
import { history } from './history.js';
import { markRead } from './mark-read.js';
import { search } from './search.js';
import { reply } from './reply.js';
import { fwd } from './fwd.js';
import { deleteMsg } from './delete-msg.js';
import { editMsg } from './edit-msg.js';
import { loadPhoto, loadDocument, loadFile } from './load-file.js';

export const BUILTIN_COMMANDS: readonly CommandSpec[] = [
  help,
  stats,
  version,
  quit,
  safeQuit,
  sandbox,
  contactList,
  dialogList,
  userInfo,
  chatInfo,
  channelInfo,
  resolveUsername,
  getSelf,
  login,
  logout,
  forget,
  purge,
  exportPeers,
  importPeers,
  store,
  settings,
  sync,
  msg,
  sendText,
  sendPhoto,
  sendDocument,
  sendFile,
  startLinkCommand,
  broadcast,
  listen,
  sendVideo,
  sendAudio,
  reply,
  fwd,
  editMsg,
  deleteMsg,
  history,
  markRead,
  search,
  loadPhoto,
  loadDocument,
  loadFile,
];

export class Registry implements CommandRegistry {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly allNames: string[] = [];

  constructor(private readonly commands: readonly CommandSpec[]) {
    for (const c of commands) {
      for (const n of [c.name, ...(c.aliases ?? [])]) {
        if (this.byName.has(n)) throw new Error(`duplicate command name '${n}'`);
        this.byName.set(n, c);
        this.allNames.push(n);
      }
    }
  }

  all(): readonly CommandSpec[] {
    return this.commands;
  }

  find(name: string): CommandSpec | undefined {
    return this.byName.get(name);
  }

  names(): readonly string[] {
    return this.allNames;
  }
}

let defaultRegistry: Registry | undefined;

export function commandRegistry(): Registry {
  defaultRegistry ??= new Registry(BUILTIN_COMMANDS);
  return defaultRegistry;
}
