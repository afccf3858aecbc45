import type { JourneyDefinition } from '@tandem/contract';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-client';
import { problemsOfError } from './journeys-api';

const SENT: JourneyDefinition = {
  name: 'Welcome',
  entry: { kind: 'event', event: 'Signed Up' },
  steps: [
    { id: 'wait', kind: 'delay', duration: '1d', next: 'mail' },
    { id: 'mail', kind: 'send_email', templateId: 'tpl_gone', next: null },
  ],
};

describe('problems of a refused journey call', () => {
  it('puts a publish refusal on the step its path names, as a sentence', () => {
    const refused = new ApiError({
      status: 422,
      code: 'unprocessable',
      message: 'Invalid steps.mail.templateId: no template tpl_gone',
      details: [
        { path: 'steps.mail.templateId', message: 'no template tpl_gone' },
        { path: 'entry.audienceId', message: 'no audience aud_1' },
      ],
    });
    expect(problemsOfError(refused)).toEqual([
      { stepId: 'mail', field: 'templateId', message: 'No template tpl_gone.' },
      { field: 'entry.audienceId', message: 'No audience aud_1.' },
    ]);
  });

  it('reads a schema refusal’s step index against the definition sent', () => {
    const refused = new ApiError({
      status: 400,
      code: 'validation_failed',
      message: 'Invalid body',
      details: [{ path: 'body.steps.1.templateId', message: 'Too small' }],
    });
    expect(problemsOfError(refused, SENT)).toEqual([
      { stepId: 'mail', field: 'templateId', message: 'Too small.' },
    ]);
  });

  it('finds nothing in a failure that is not the API’s', () => {
    expect(problemsOfError(new TypeError('offline'))).toEqual([]);
  });
});
