import { isCleanText } from './text.validator';

describe('isCleanText', () => {
  it('accepts ordinary text, emoji and surrogate pairs', () => {
    for (const value of ['', 'Bob', 'Zażółć', '😀 ok']) expect(isCleanText(value)).toBe(true);
  });

  it('rejects NUL, lone surrogates and non-strings', () => {
    for (const value of ['a\u0000b', '\ud800', 'x\udc00', '\ud800x', 5, null]) {
      expect(isCleanText(value)).toBe(false);
    }
  });
});
