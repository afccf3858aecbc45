import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { recordedBody } from './audit-hook.js';

describe('what the audit log keeps of a request body', () => {
  it('redacts secrets by field name and URL passwords wherever they are', () => {
    expect(
      recordedBody({
        name: 'Warehouse',
        config: {
          url: 'postgres://tandem:s3cret@db.example.com/dw',
          apiKey: 'k',
          headers: { Authorization: 'Bearer x' },
        },
        password: 'hunter2',
      }),
    ).toEqual({
      name: 'Warehouse',
      config: {
        url: 'postgres://tandem:[redacted]@db.example.com/dw',
        apiKey: '[redacted]',
        headers: { Authorization: '[redacted]' },
      },
      password: '[redacted]',
    });
  });

  it('keeps only the field names of a big body', () => {
    expect(recordedBody({ rows: 'x'.repeat(20_000), name: 'import' })).toEqual({
      truncated: true,
      fields: ['rows', 'name'],
    });
    expect(recordedBody(undefined)).toBeNull();
  });

  it('records an upload as one, never its bytes', () => {
    expect(recordedBody(Buffer.from('email\nann@example.com'))).toEqual({ upload: true });
    expect(recordedBody(Readable.from(['email\n']))).toEqual({ upload: true });
  });
});
