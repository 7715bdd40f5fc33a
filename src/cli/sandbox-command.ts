// `tgsh sandbox serve`: lands with the sandbox (issue 3).

export async function sandboxCommand(argv: string[]): Promise<number> {
  process.stderr.write(`tgsh sandbox: '${(argv[0] ?? '').slice(0, 32)}' is not available yet\n`);
  return 2;
}
