import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=HYPERLINK("x")', 3], [null, '-1']])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n"\'=HYPERLINK(""x"")",3\r\n,\'-1\r\n',
    );
  });
});
