// How a command's arguments are written in help, usage hints and the README reference.

import type { ArgSpec, CommandSpec } from './types.js';

export function argSignature(a: ArgSpec): string {
  const base = `<${a.name}>`;
  if (a.optional) {
    const inner = a.default !== undefined ? `${a.name}=${a.default}` : a.name;
    return a.repeat ? `[${inner}]*` : `[${inner}]`;
  }
  return a.repeat ? `${base}+` : base;
}

export function signature(spec: CommandSpec): string {
  const parts = [spec.name, ...spec.args.map(argSignature)];
  for (const o of spec.options ?? []) parts.push(o.value ? `[--${o.name} ${o.value === 'number' ? 'N' : o.value === 'file_name' ? 'FILE' : 'VALUE'}]` : `[--${o.name}]`);
  return parts.join(' ');
}
