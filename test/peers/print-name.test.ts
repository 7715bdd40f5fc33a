import { describe, expect, it } from 'vitest';
import { basePrintName, isPlaceholderPrintName, placeholderPrintName, printNameBaseOf, uniquePrintName } from '../../src/peers/print-name.js';

describe('basePrintName (telegram-cli rules)', () => {
  it('joins first and last name with _, skipping empty parts', () => {
    expect(basePrintName(['John', 'Smith'])).toBe('John_Smith');
    expect(basePrintName(['John', ''])).toBe('John');
    expect(basePrintName(['', 'Smith'])).toBe('Smith');
    expect(basePrintName([undefined, null])).toBe('');
  });

  it('turns every character <= space and #, $, @ into _', () => {
    expect(basePrintName(['Mary Ann', 'de la Cruz'])).toBe('Mary_Ann_de_la_Cruz');
    expect(basePrintName(['a\tb\nc\rd\u0000e\u001fz'])).toBe('a_b_c_d_e_z');
    expect(basePrintName(['#1 fan $$$ @home'])).toBe('_1_fan______home');
    expect(basePrintName(['user#5'])).toBe('user_5'); // can never look like a typed reference
    expect(basePrintName(['$0100'])).toBe('_0100'); // nor like a permanent id
    expect(basePrintName(['@admin'])).toBe('_admin'); // nor like a username
  });

  it('keeps unicode as it is (only ASCII control and space bytes are replaced)', () => {
    expect(basePrintName(['Jürgen', 'Müller'])).toBe('Jürgen_Müller');
    expect(basePrintName(['山田', '太郎'])).toBe('山田_太郎');
    expect(basePrintName(['Zoë 🚀'])).toBe('Zoë_🚀');
    expect(basePrintName(['Ελένη'])).toBe('Ελένη');
    expect(basePrintName(['a\u00a0b'])).toBe('a\u00a0b'); // a no-break space is above ' ', as in telegram-cli
  });

  it('uses the title for chats and channels, names for users, a placeholder for no name', () => {
    expect(printNameBaseOf({ cls: 'user', id: 1, firstName: 'A', lastName: 'B', title: 'ignored' })).toBe('A_B');
    expect(printNameBaseOf({ cls: 'channel', id: 2, title: 'My News', firstName: 'ignored' })).toBe('My_News');
    expect(printNameBaseOf({ cls: 'chat', id: 3 })).toBe('chat#3');
    expect(printNameBaseOf({ cls: 'user', id: 4, firstName: '' })).toBe('user#4');
    expect(placeholderPrintName('user', 9)).toBe('user#9');
    expect(isPlaceholderPrintName('user#9', 'user', 9)).toBe(true);
    expect(isPlaceholderPrintName('user#9', 'user', 8)).toBe(false);
  });
});

describe('uniquePrintName', () => {
  it('gives the first free #1, #2, ... suffix', () => {
    const taken = new Set(['John_Smith', 'John_Smith#1', 'John_Smith#3']);
    expect(uniquePrintName('John_Smith', (n) => taken.has(n))).toBe('John_Smith#2');
    expect(uniquePrintName('Jane', (n) => taken.has(n))).toBe('Jane');
    taken.add('John_Smith#2');
    expect(uniquePrintName('John_Smith', (n) => taken.has(n))).toBe('John_Smith#4');
  });
});
