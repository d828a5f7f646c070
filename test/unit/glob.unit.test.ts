import { globToRegExp, globsToRegExp } from '../../src/util/glob.util';

describe('globs', () => {
  it.each([
    ['*/pricing*', 'https://x.test/pricing', true],
    ['*/pricing*', 'https://x.test/pricing/enterprise?utm=1', true],
    ['*/pricing*', 'https://x.test/blog/about-pricing', false],
    ['*', 'anything', true],
    ['https://x.test/*', 'https://x.test/a', true],
    ['https://x.test/*', 'http://x.test/a', false],
    ['*.pdf', 'guide.PDF', true],
    ['*.pdf', 'guide.pdf.html', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['a?c', 'abc', true],
    ['(a)+[b]', '(a)+[b]', true],
  ])('%s on %s → %s', (glob, text, expected) => {
    expect(globToRegExp(glob).test(text)).toBe(expected);
  });

  it('joins several globs into one test', () => {
    const regex = globsToRegExp(['*/contact*', 'https://x.test/quote']);
    expect(regex.test('https://x.test/contact-us')).toBe(true);
    expect(regex.test('https://x.test/quote')).toBe(true);
    expect(regex.test('https://x.test/quote/2')).toBe(false);
  });
});
