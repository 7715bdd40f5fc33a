// Fault injection for tests: dropped connections, slow answers, injected RPC errors and methods
// that are never answered.

import { canonicalMethod } from './stats.js';

export interface InjectedError {
  code: number;
  /** As Telegram spells it, e.g. `FLOOD_WAIT_30` or `USERNAME_NOT_OCCUPIED`. */
  message: string;
}

export interface MethodFaultOptions {
  /** How many matching requests get the fault (default 1; Infinity for every one until clear()). */
  times?: number;
  /** Only requests for which this returns true (it receives GramJS's parsed request object). */
  when?: (request: any) => boolean;
}

export interface MtprotoFaults {
  /** Closes every open client connection now (clients reconnect on their own). */
  dropAllConnections(): void;
  /** Closes the connections of the sessions logged in as this user; returns how many. */
  dropConnectionsOf(userId: number): number;
  /**
   * true: new TCP connections are closed as soon as they are accepted (a client stays offline,
   * so updates pushed meanwhile are missed); false: accepted again. clear() turns it off.
   */
  refuseConnections(refuse: boolean): void;
  /** Delays every RPC answer (results and errors) by ms; 0 turns it off. */
  delayAnswers(ms: number): void;
  /** Answers matching requests of `method` with this error instead of running them. */
  failMethod(method: string, error: InjectedError, options?: MethodFaultOptions): void;
  /** Never answers matching requests of `method` (acknowledged, then left pending); times defaults to Infinity. */
  neverAnswer(method: string, options?: MethodFaultOptions): void;
  /** Removes every fault (delays, injected errors, unanswered methods). */
  clear(): void;
}

type Fault =
  | { kind: 'error'; method: string; error: InjectedError; left: number; when?: (r: any) => boolean }
  | { kind: 'never'; method: string; left: number; when?: (r: any) => boolean };

export type FaultOutcome = { kind: 'error'; error: InjectedError } | { kind: 'never' } | undefined;

export class FaultsImpl implements MtprotoFaults {
  answerDelayMs = 0;
  refusing = false;
  private faults: Fault[] = [];

  constructor(
    private readonly dropAll: () => void,
    private readonly dropUser: (userId: number) => number = () => 0,
  ) {}

  dropAllConnections(): void {
    this.dropAll();
  }

  dropConnectionsOf(userId: number): number {
    return this.dropUser(userId);
  }

  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
  }

  delayAnswers(ms: number): void {
    this.answerDelayMs = Math.max(0, ms);
  }

  failMethod(method: string, error: InjectedError, options: MethodFaultOptions = {}): void {
    this.faults.push({ kind: 'error', method: canonicalMethod(method), error: { ...error }, left: options.times ?? 1, when: options.when });
  }

  neverAnswer(method: string, options: MethodFaultOptions = {}): void {
    this.faults.push({ kind: 'never', method: canonicalMethod(method), left: options.times ?? Infinity, when: options.when });
  }

  clear(): void {
    this.faults = [];
    this.answerDelayMs = 0;
    this.refusing = false;
  }

  /** The fault for one request, if any; consumes one use of it. */
  take(method: string, request: unknown): FaultOutcome {
    for (const f of this.faults) {
      if (f.method !== method || f.left <= 0) continue;
      if (f.when) {
        let hit: boolean;
        try {
          hit = f.when(request);
        } catch {
          hit = false;
        }
        if (!hit) continue;
      }
      f.left--;
      if (f.left <= 0) this.faults = this.faults.filter((x) => x !== f);
      return f.kind === 'error' ? { kind: 'error', error: f.error } : { kind: 'never' };
    }
    return undefined;
  }
}
