import { describe, expect, it } from 'vitest';
import { chartRowsToCsv } from './chart-export';

describe('chartRowsToCsv', () => {
  it('writes a header row and one CRLF-ended line per row', () => {
    expect(
      chartRowsToCsv([
        { day: '2026-12-01', events: 3 },
        { day: '2026-12-02', events: 0 },
      ]),
    ).toBe('day,events\r\n2026-12-01,3\r\n2026-12-02,0\r\n');
  });

  it('quotes fields with commas, quotes or line breaks and doubles their quotes', () => {
    expect(chartRowsToCsv([{ stage: 'Won, "big"', note: 'two\nlines', plain: 'ok' }])).toBe(
      'stage,note,plain\r\n"Won, ""big""","two\nlines",ok\r\n',
    );
  });

  it('leaves null and missing values empty and takes columns in order of first appearance', () => {
    expect(
      chartRowsToCsv([
        { a: 1, b: null },
        { c: 'x', a: 2 },
      ]),
    ).toBe('a,b,c\r\n1,,\r\n2,,x\r\n');
  });

  it('writes nothing but a line end when there are no rows', () => {
    expect(chartRowsToCsv([])).toBe('\r\n');
  });
});
