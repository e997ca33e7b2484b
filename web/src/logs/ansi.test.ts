import { describe, expect, it } from 'vitest';
import { ansiSegments, markSegments, plainText } from './ansi.ts';

const E = '\u001b[';

describe('ANSI → segments', () => {
  it('keeps a line without escapes as one segment', () => {
    expect(ansiSegments('plain <b>text</b>')).toEqual([{ text: 'plain <b>text</b>' }]);
    expect(ansiSegments('')).toEqual([]);
  });

  it('reads bold + 8-colour foreground, and a reset', () => {
    expect(ansiSegments(`${E}1;31mERROR${E}0m done`)).toEqual([{ text: 'ERROR', fg: 'rgb(241, 76, 76)', bold: true }, { text: ' done' }]);
  });

  it('reads 256-colour and truecolor foreground and background', () => {
    expect(ansiSegments(`${E}38;5;208morange${E}m`)).toEqual([{ text: 'orange', fg: 'rgb(255, 135, 0)' }]);
    expect(ansiSegments(`${E}38;2;10;20;30;48;2;200;201;202mtrue`)).toEqual([{ text: 'true', fg: 'rgb(10, 20, 30)', bg: 'rgb(200, 201, 202)' }]);
  });

  it('ends a colour at its default code and keeps decorations apart', () => {
    expect(ansiSegments(`${E}32mgreen${E}39m x ${E}4;3munder`)).toEqual([
      { text: 'green', fg: 'rgb(35, 209, 139)' }, { text: ' x ' }, { text: 'under', underline: true, italic: true },
    ]);
  });

  it('drops escapes that are not colours from the text', () => {
    expect(plainText(`${E}2K${E}1Gprogress 50%${E}0m`)).toBe('progress 50%');
    expect(ansiSegments(`${E}2Kprogress`).map((s) => s.text).join('')).toBe('progress');
  });
});

describe('search marks over segments', () => {
  it('splits coloured segments at the match and flags the current one', () => {
    const segs = ansiSegments(`${E}31mred${E}0m and blue`);
    expect(markSegments(segs, [{ start: 1, end: 5 }, { start: 8, end: 12, current: true }])).toEqual([
      { text: 'r', fg: 'rgb(241, 76, 76)' },
      { text: 'ed', fg: 'rgb(241, 76, 76)', mark: true },
      { text: ' a', mark: true },
      { text: 'nd ' },
      { text: 'blue', mark: true, current: true },
    ]);
  });
});
