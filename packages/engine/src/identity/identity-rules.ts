import {
  BUILTIN_IDENTIFIER_TYPES,
  type IdentitySettings,
  type IdentitySettingsPatch,
  IdentitySettingsSchema,
} from '@tandem/contract';

/** Segment Unify's defaults: user_id first and unique, email next, five of anything else. */
export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = {
  priority: ['user_id', 'email', 'phone', 'device_id', 'anonymous_id'],
  limits: {
    user_id: { max: 1 },
    email: { max: 5 },
    phone: { max: 5 },
    device_id: { max: 5 },
    anonymous_id: { max: 5 },
  },
  blockedValues: [],
  externalIdTypes: [],
  defaultCountry: 'US',
  sourcePriority: {},
};

/** Values no SDK means as an identity, whatever the workspace says. */
const ALWAYS_BLOCKED = ['-1', 'null', 'undefined', 'anonymous', '[object object]', 'nil', 'none'];
const ZEROS_AND_DASHES = /^[0-]*$/;
const DEFAULT_LIMIT = 5;

/** A workspace's settings compiled for the hot path. */
export interface IdentityRules {
  readonly settings: IdentitySettings;
  /** Lower is more trusted; unlisted types come after every listed one. */
  rank(type: string): number;
  limitOf(type: string): { readonly max: number; readonly windowMs: number | null };
  isBlocked(text: string): boolean;
  sourcePriority(sourceId: string): number;
}

/** Stored settings (possibly partial or from an older version) over the defaults. */
export function settingsFrom(stored: unknown): IdentitySettings {
  const parsed = IdentitySettingsSchema.partial().safeParse(stored);
  return { ...DEFAULT_IDENTITY_SETTINGS, ...(parsed.success ? dropUndefined(parsed.data) : {}) };
}

export function patchedSettings(current: IdentitySettings, patch: IdentitySettingsPatch): IdentitySettings {
  return { ...current, ...dropUndefined(patch) };
}

export function compileRules(settings: IdentitySettings): IdentityRules {
  const ranks = new Map<string, number>();
  settings.priority.forEach((type, index) => {
    if (!ranks.has(type)) ranks.set(type, index);
  });
  // Unlisted types: built-ins then external ids, in a fixed order so ranks never tie.
  const unlisted = [...BUILTIN_IDENTIFIER_TYPES, ...settings.externalIdTypes].filter((t) => !ranks.has(t));
  for (const type of unlisted) ranks.set(type, ranks.size);
  const blocked = new Set([...ALWAYS_BLOCKED, ...settings.blockedValues.map((v) => v.trim().toLowerCase())]);
  return {
    settings,
    rank: (type) => ranks.get(type) ?? ranks.size,
    limitOf(type) {
      const limit = settings.limits[type];
      const windowDays = limit?.windowDays ?? null;
      return {
        max: limit?.max ?? DEFAULT_LIMIT,
        windowMs: windowDays === null ? null : windowDays * 86_400_000,
      };
    },
    isBlocked: (text) => ZEROS_AND_DASHES.test(text) || blocked.has(text.toLowerCase()),
    sourcePriority: (sourceId) => settings.sourcePriority[sourceId] ?? 0,
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  // The same members minus the undefined ones: still a Partial<T>.
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as Partial<T>;
}
