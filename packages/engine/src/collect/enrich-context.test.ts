import { describe, expect, it } from 'vitest';
import { enrichContext } from './enrich-context.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Version/17.4 Mobile/15E148 Safari/604.1';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('enrichContext', () => {
  it('adds the request ip only when the SDK sent none', () => {
    expect(enrichContext(undefined, { ip: '203.0.113.7' }).ip).toBe('203.0.113.7');
    expect(enrichContext({ ip: '198.51.100.1' }, { ip: '203.0.113.7' }).ip).toBe('198.51.100.1');
  });

  it('parses the context user agent into browser, os and device', () => {
    const context = enrichContext({ userAgent: IPHONE }, { userAgent: CHROME_WINDOWS });
    expect(context.browser).toEqual({ name: 'Mobile Safari', version: '17.4' });
    expect(context.os).toEqual({ name: 'iOS', version: '17.4' });
    expect(context.device).toEqual({ type: 'mobile', manufacturer: 'Apple', model: 'iPhone' });
  });

  it('falls back to the request user agent', () => {
    const context = enrichContext({}, { userAgent: CHROME_WINDOWS });
    expect(context.browser).toEqual({ name: 'Chrome', version: '124.0.0.0' });
    expect(context.os).toEqual({ name: 'Windows', version: '10' });
  });

  it('never overwrites what the SDK sent, only completes it', () => {
    const sent = { userAgent: IPHONE, os: { name: 'iPadOS' }, device: { id: 'd1', model: 'iPhone15,2' } };
    const context = enrichContext(sent, {});
    expect(context.os).toEqual({ name: 'iPadOS', version: '17.4' });
    expect(context.device).toEqual({ id: 'd1', type: 'mobile', manufacturer: 'Apple', model: 'iPhone15,2' });
  });

  it('reads the campaign from the UTM parameters of the page url or search', () => {
    const fromUrl = enrichContext(
      {
        page: {
          url: 'https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring%20sale#top',
        },
      },
      {},
    );
    expect(fromUrl.campaign).toEqual({ source: 'news', medium: 'email', name: 'spring sale' });
    const fromSearch = enrichContext({ page: { search: '?utm_term=shoes&utm_content=banner' } }, {});
    expect(fromSearch.campaign).toEqual({ term: 'shoes', content: 'banner' });
  });

  it('keeps a campaign the SDK sent and adds none without UTM parameters', () => {
    const sent = { campaign: { name: 'mine' }, page: { url: 'https://x.example/?utm_source=other' } };
    expect(enrichContext(sent, {}).campaign).toEqual({ name: 'mine' });
    expect(enrichContext({ page: { url: 'https://x.example/?q=1' } }, {}).campaign).toBeUndefined();
  });

  it('returns a copy, leaving the shared batch context untouched', () => {
    const shared = { locale: 'en' };
    enrichContext(shared, { ip: '203.0.113.7', userAgent: IPHONE });
    expect(shared).toEqual({ locale: 'en' });
  });
});
