import { describe, expect, it } from 'vitest';
import { withControlsShown } from '../../src/output/controls.js';

describe('withControlsShown', () => {
  it('shows the controls of a peer shared by many messages in every message', () => {
    const peer = { printName: 'Eve\u001b[2J', id: 5 };
    const messages = Array.from({ length: 3 }, (_, i) => ({ id: i, from: peer, to: peer, text: `line\r${i}` }));
    const out = withControlsShown({ kind: 'messages', messages });
    for (const [i, m] of out.messages.entries()) {
      expect(m.from.printName).toBe('Eve^[[2J');
      expect(m.to.printName).toBe('Eve^[[2J');
      expect(m.text).toBe(`line^M${i}`);
    }
    // The original is not changed, and the shared peer is cleaned once (one copy for all).
    expect(peer.printName).toBe('Eve\u001b[2J');
    expect(out.messages[0].from).toBe(out.messages[2].to);
  });

  it('returns a value without controls as it is, and survives a cycle', () => {
    const clean = { a: ['x', { b: 'y' }] };
    expect(withControlsShown(clean)).toBe(clean);
    const loop: Record<string, unknown> = { name: 'a\u0007' };
    loop.self = loop;
    expect((withControlsShown(loop) as { name: string }).name).toBe('a^G');
  });
});
