import { globPattern, globsPattern } from '../../src/util/glob.util';

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
    expect(globPattern(glob).test(text)).toBe(expected);
  });

  it('joins several globs into one test', () => {
    const regex = globsPattern(['*/contact*', 'https://x.test/quote']);
    expect(regex.test('https://x.test/contact-us')).toBe(true);
    expect(regex.test('https://x.test/quote')).toBe(true);
    expect(regex.test('https://x.test/quote/2')).toBe(false);
  });
});

describe('globs with a * inside', () => {
  it.each([
    ['https://*/pricing*', 'https://x.test/pricing?a=1', true],
    ['https://*/pricing*', 'http://x.test/pricing', false],
    ['*/docs/*.pdf', 'https://x.test/docs/guide.PDF', true],
    ['*/docs/*.pdf', 'https://x.test/docs/guide.pdf.html', false],
    ['*/docs/*.pdf', 'https://x.test/blog/docs.pdf', false],
    ['a*b', 'ab', true],
    ['a*b', 'aXXb', true],
    ['a*b', 'aXXbX', false],
    ['a*a', 'a', false], // the head and the tail cannot share a character
    ['*a*b*c*', 'xxAyyBzzC', true],
    ['*a*b*c*', 'xxcyyBzzA', false],
    ['a?c*d', 'abcXd', true],
    ['a?c*d', 'acXd', false],
    ['*(x)*[y]*', 'a(x)b[y]c', true],
  ])('%s on %s → %s', (glob, text, expected) => {
    expect(globPattern(glob).test(text)).toBe(expected);
  });

  it('mixes with plain globs in one test', () => {
    const test = globsPattern(['*/contact*', '*/docs/*.pdf']);
    expect(test.test('https://x.test/contact')).toBe(true);
    expect(test.test('https://x.test/docs/a.pdf')).toBe(true);
    expect(test.test('https://x.test/docs/a.doc')).toBe(false);
  });
});
