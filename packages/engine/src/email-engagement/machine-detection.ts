// Machine opens and clicks: mail privacy proxies prefetch every image, security scanners follow
// every link, often within seconds of delivery. Those are flagged and never count as a person's.

/** User agents of known proxies and scanners (Apple Mail Privacy Protection, Gmail's image proxy, …). */
const MACHINE_AGENTS: readonly [RegExp, string][] = [
  [/GoogleImageProxy|ggpht\.com/i, 'google_image_proxy'],
  [/YahooMailProxy/i, 'yahoo_mail_proxy'],
  [/^Mozilla\/5\.0$/, 'apple_mail_privacy_protection'],
  [
    /Barracuda|Mimecast|Proofpoint|ppops|SafeLinks|Symantec|Trend ?Micro|FireEye|Sophos|Forcepoint|Cisco|IronPort|Zscaler/i,
    'security_scanner',
  ],
  [
    /bot\b|crawler|spider|scanner|preview|python-requests|curl\/|wget|Go-http-client|okhttp|Java\/|node-fetch|axios|HeadlessChrome|libwww/i,
    'automated_client',
  ],
];

export interface EngagementSignal {
  readonly kind: 'open' | 'click';
  readonly method: string;
  readonly userAgent: string | undefined;
  readonly sentAt: number;
  readonly at: number;
  readonly honeypot: boolean;
  /** The email's tracked links, and the distinct ones clicked within the last second (this one included). */
  readonly linkCount: number;
  readonly linksClickedWithinSecond: number;
}

export interface MachineDetectionOptions {
  /** Opens and clicks this soon after sending are a machine's. Default 10 s. */
  readonly afterSendMs?: number | undefined;
}

/** Why an open or click is a machine's, or null when a person's. */
export function machineReasonOf(
  signal: EngagementSignal,
  options: MachineDetectionOptions = {},
): string | null {
  if (signal.honeypot) return 'honeypot_link';
  if (signal.method === 'HEAD') return 'head_request';
  const agent = signal.userAgent?.trim() ?? '';
  if (agent === '') return 'no_user_agent';
  for (const [pattern, reason] of MACHINE_AGENTS) if (pattern.test(agent)) return reason;
  if (signal.at - signal.sentAt < (options.afterSendMs ?? 10_000)) return 'too_soon_after_send';
  if (
    signal.kind === 'click' &&
    signal.linkCount >= 2 &&
    signal.linksClickedWithinSecond >= Math.min(signal.linkCount, 3)
  )
    return 'all_links_at_once';
  return null;
}
