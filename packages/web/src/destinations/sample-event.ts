/** The sample event the mapping test and the test send start from; people edit it freely. */
export const SAMPLE_EVENT = {
  type: 'track',
  event: 'Order Completed',
  userId: 'user-42',
  properties: { orderId: 'ord_1001', total: 129.9, currency: 'EUR' },
  context: { consent: { categoryPreferences: { marketing: true, analytics: true } } },
};

export const SAMPLE_EVENT_TEXT = JSON.stringify(SAMPLE_EVENT, null, 2);

/** The typed sample as an object, or a sentence saying why it is not one. */
export function parseSample(text: string): { value: Record<string, unknown> | null; error: string | null } {
  if (!text.trim()) return { value: null, error: 'Enter a sample event.' };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { value: null, error: 'The sample event must be a JSON object, like {"type": "track", …}.' };
    }
    return { value: value as Record<string, unknown>, error: null };
  } catch (error) {
    return { value: null, error: `The sample event is not valid JSON: ${(error as Error).message}.` };
  }
}
