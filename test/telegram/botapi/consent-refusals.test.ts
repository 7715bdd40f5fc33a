// Refusals for users who have not started the bot: the start link is on the FAIL line itself
// (stdout, text mode too), not only in the hint on stderr; and under consent_policy strict a user
// tgsh has not seen start the bot is "not known to have started" it (tgsh may just not know).
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxSession, type SandboxSession } from '../../helpers/sandbox.js';

const ALICE = 200000001;
const CAROL = 200000003;
const LINK = 'https://t.me/tgsh_sandbox_bot';

let s: SandboxSession | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('the start link on the FAIL line', () => {
  it('msg to a user who never started the bot (Telegram refuses): text mode prints the link on stdout', async () => {
    s = await sandboxSession();
    const out = await s.text('msg @carol_never hi');
    expect(out).toMatch(/^FAIL: 71: Carol Never has not started the bot, .*send them the start link https:\/\/t\.me\/tgsh_sandbox_bot\n$/);
    const [j] = await s.json(`msg ${CAROL} hi`);
    expect(j).toMatchObject({ result: 'FAIL', error: expect.stringContaining(`start link ${LINK}`), start_link: LINK });
  });

  it('consent_policy strict: the local refusal prints the link, and says tgsh does not know rather than "has not started"', async () => {
    s = await sandboxSession();
    // A fresh profile: nothing synced, so tgsh does not know that Alice started the bot.
    const store = await s.services.store();
    await store.settings.set('consent_policy', 'strict');
    const before = s.sandbox.botapi.stats.requests.sendMessage ?? 0;
    const out = await s.text(`msg @alice_started hi`);
    expect(out).toBe(
      `FAIL: 71: Alice Started is not known to have started the bot (consent_policy strict): not sent; run 'sync' to learn who did, or send them the start link ${LINK}\n`,
    );
    expect(out).not.toContain('has not started');
    expect(s.sandbox.botapi.stats.requests.sendMessage ?? 0).toBe(before);
    const [r] = await s.run(`msg ${ALICE} hi`);
    expect(r).toMatchObject({ kind: 'fail', extra: { start_link: LINK }, hint: expect.stringContaining('[force]') });
    // Once synced, tgsh knows she did.
    await s.text('sync');
    expect(await s.text(`msg ${ALICE} now`)).toContain('<<< now');
  });

  it('broadcast: a skipped (strict) or refused (open) recipient shows the link once, on stdout', async () => {
    s = await sandboxSession();
    const [open] = await s.run(`broadcast ${CAROL} ${ALICE} hello`);
    const text = (open as { error: string }).error;
    expect(text).toContain(`start link ${LINK}`);
    expect(text.split(LINK)).toHaveLength(2);

    const store = await s.services.store();
    await store.settings.set('consent_policy', 'strict');
    const [strict] = await s.json(`broadcast ${CAROL} hello`);
    const rec = (strict as { recipients: Array<{ status: string; error: string; start_link?: string }> }).recipients[0]!;
    expect(rec).toMatchObject({ status: 'skipped', start_link: LINK });
    expect(rec.error).toContain('is not known to have started the bot');
    expect(rec.error).toContain(LINK);
  });
});
