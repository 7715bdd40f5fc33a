// The Ink side of the shell: renders the controller's view and forwards raw input to it. No
// decisions here. The transcript goes through <Static> (printed once, scrolls away); the live part
// is the spinner, the lines typed ahead, completion candidates, a hint, and the prompt.

import { useEffect, useLayoutEffect, useSyncExternalStore, type JSX } from 'react';
import { Box, Static, Text, useStdin, useStdout } from 'ink';
import Spinner from 'ink-spinner';
import { paintFor } from '../output/colors.js';
import type { ShellController, ShellView, TranscriptItem } from './controller.js';

const INVERSE = (s: string): string => `\x1b[7m${s}\x1b[27m`;
const MAX_QUEUED_SHOWN = 5;

export function ShellApp({ controller, color }: { controller: ShellController; color: boolean }): JSX.Element {
  const view = useSyncExternalStore(controller.subscribe, controller.snapshot);
  const { setRawMode, internal_eventEmitter: input } = useStdin();

  useEffect(() => {
    // Raw chunks (Ink has already split escape sequences apart; `internal_eventEmitter` is what
    // useInput listens to). The controller decodes keys itself: useInput's parsed keys would turn
    // a paste "a\rb\r" into one lump of text, and Ctrl keys into letters.
    const onInput = (data: string): void => controller.feed(data);
    setRawMode(true);
    input.on('input', onInput);
    return () => {
      input.off('input', onInput);
      setRawMode(false);
    };
  }, [controller, setRawMode, input]);

  useLayoutEffect(() => controller.rendered(view.epoch, view.items.length), [controller, view.epoch, view.items.length]);

  return (
    <>
      <Static key={view.epoch} items={view.items as TranscriptItem[]}>
        {(item) => (
          <Box key={item.id} width={item.width}>
            <Text>{item.text}</Text>
          </Box>
        )}
      </Static>
      {/* After exit the last prompt stays, without its cursor, like a shell's last line. */}
      {view.done ? <Text>{view.prompt + (view.hidden ? '' : oneLine(view.line.text))}</Text> : <Live view={view} color={color} />}
    </>
  );
}

// The live part must stay well under the terminal's height: when it reaches it, Ink clears the
// screen and reprints the whole transcript. So status lines are cut to one line and a very long
// edited line is shown as a window around the cursor.
function Live({ view, color }: { view: ShellView; color: boolean }): JSX.Element {
  const dim = paintFor(color).dim;
  const columns = useStdout().stdout.columns || 80;
  const queued = view.queued.slice(0, MAX_QUEUED_SHOWN);
  const more = view.queued.length - queued.length;
  return (
    <Box flexDirection="column">
      {view.running !== undefined ? (
        <Text wrap="truncate-end">
          <Spinner type="dots" /> {oneLine(view.running)}
        </Text>
      ) : null}
      {queued.map((q, i) => (
        <Text key={i} wrap="truncate-end">
          {dim(`  queued: ${oneLine(q)}`)}
        </Text>
      ))}
      {more > 0 ? <Text>{dim(`  (+${more} more queued)`)}</Text> : null}
      {view.candidates ? <Text>{candidateLines(view.candidates, columns, 3)}</Text> : null}
      {view.hint ? <Text wrap="truncate-end">{dim(view.hint)}</Text> : null}
      <Text>{promptLine(view, columns * 3)}</Text>
    </Box>
  );
}

/**
 * The prompt with the line and a block cursor (inverse video; the terminal's own cursor is
 * hidden). A line longer than `room` characters shows as a window around the cursor.
 */
export function promptLine(view: Pick<ShellView, 'prompt' | 'line' | 'hidden'>, room = Infinity): string {
  if (view.hidden) return view.prompt + INVERSE(' ');
  // Tabs (from a paste) show as one space so the cursor index stays the screen column.
  let text = view.line.text.replace(/\t/g, ' ');
  let c = view.line.cursor;
  if (text.length > room) {
    const from = Math.max(0, Math.min(c - Math.floor(room / 2), text.length - room));
    const to = from + room;
    text = (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '');
    c = c - from + (from > 0 ? 1 : 0);
  }
  const at = text.slice(c, c + 1);
  // Keep a surrogate pair (emoji) whole under the cursor.
  const cell = at && /[\ud800-\udbff]/.test(at) ? text.slice(c, c + 2) : at;
  return view.prompt + text.slice(0, c) + INVERSE(cell || ' ') + text.slice(c + cell.length);
}

/** Candidates in at most `lines` lines of `columns`, then how many more there are. */
export function candidateLines(candidates: readonly string[], columns: number, lines: number): string {
  const room = columns * lines - 16;
  let out = '';
  let shown = 0;
  for (const c of candidates) {
    const next = out === '' ? c : `${out}  ${c}`;
    if (next.length > room) break;
    out = next;
    shown++;
  }
  return shown < candidates.length ? `${out}  (+${candidates.length - shown} more)` : out;
}

function oneLine(s: string): string {
  return s.replace(/[\t\r\n]/g, ' ');
}
