// `tgsh completion bash|zsh|fish`: a completion script for tgsh's own flags (from the flag table),
// for the outer shell. The Tab completion inside tgsh's shell is its own and is not touched.

import { OPTIONS } from '../core/flags.js';
import { ExitCode } from '../core/exit-codes.js';

/** Flags whose value is a file or a folder (completed as paths). */
const PATH_VALUES = new Set(['world', 'rsa-key', 'password-file', 'unix-socket', 'logfile', 'config-dir']);

interface Flag {
  long: string;
  short?: string;
  takesValue: boolean;
}

function flags(): Flag[] {
  return Object.entries(OPTIONS).map(([long, o]) => ({ long, short: 'short' in o ? o.short : undefined, takesValue: o.type === 'string' }));
}

function bash(): string {
  const all = flags().flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
  const valued = flags().filter((f) => f.takesValue);
  const paths = valued.filter((f) => PATH_VALUES.has(f.long)).flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
  const others = valued.filter((f) => !PATH_VALUES.has(f.long)).flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
  return `# tgsh completion for bash: eval "$(tgsh completion bash)"
_tgsh() {
  local cur prev
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    ${paths.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -p|--profile) COMPREPLY=($(compgen -W "$(ls "\${TGSH_HOME:-\${XDG_CONFIG_HOME:-$HOME/.config}/tgsh}/profiles" 2>/dev/null)" -- "$cur")); return ;;
    ${others.filter((f) => f !== '--profile' && f !== '-p').join('|')}) return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ] && [[ "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "sandbox completion" -- "$cur")); return
  fi
  if [ "\${COMP_WORDS[1]}" = completion ]; then COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return; fi
  COMPREPLY=($(compgen -W "${all.join(' ')}" -- "$cur"))
}
complete -F _tgsh tgsh
`;
}

function zsh(): string {
  const specs = flags().map((f) => {
    const value = f.takesValue ? (PATH_VALUES.has(f.long) ? `:${f.long}:_files` : `:${f.long}: `) : '';
    return f.short ? `  '(-${f.short} --${f.long})'{-${f.short},--${f.long}}'[${f.long}]${value}'` : `  '--${f.long}[${f.long}]${value}'`;
  });
  return `#compdef tgsh
# tgsh completion for zsh: tgsh completion zsh > "\${fpath[1]}/_tgsh"
_arguments -s \\
${specs.join(' \\\n')} \\
  '1::subcommand:(sandbox completion)'
`;
}

function fish(): string {
  const lines = flags().map((f) => {
    const short = f.short ? ` -s ${f.short}` : '';
    const value = f.takesValue ? (PATH_VALUES.has(f.long) ? ' -r -F' : ' -r -f') : '';
    return `complete -c tgsh -l ${f.long}${short}${value}`;
  });
  return `# tgsh completion for fish: tgsh completion fish > ~/.config/fish/completions/tgsh.fish
complete -c tgsh -f
complete -c tgsh -n __fish_use_subcommand -a 'sandbox completion'
complete -c tgsh -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
${lines.join('\n')}
`;
}

/** Prints the script; returns the exit status. */
export function completionCommand(args: readonly string[]): number {
  const shells: Record<string, () => string> = { bash, zsh, fish };
  const make = args.length === 1 ? shells[args[0]] : undefined;
  if (!make) {
    process.stderr.write(`tgsh: usage: tgsh completion bash|zsh|fish\nTry 'tgsh --help' for the options.\n`);
    return ExitCode.USAGE;
  }
  process.stdout.write(make());
  return ExitCode.OK;
}
