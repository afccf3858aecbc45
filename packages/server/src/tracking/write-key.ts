/**
 * The write key of a Tracking API call sent as the HTTP Basic username (Segment's SDKs). The
 * other place Segment's HTTP API allows, `writeKey` in the body, is read with the body.
 */
export function basicAuthWriteKey(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  return decoded.split(':')[0] || undefined;
}
