import { NECESSARY_PURPOSE } from '@tandem/contract';
import type { Engine } from '@tandem/engine';

/** A purpose as the public preference page offers it to the person. */
export interface ConsentChoice {
  readonly key: string;
  readonly label: string;
  readonly description: string;
  readonly granted: boolean;
}

interface Person {
  readonly workspaceId: string;
  readonly profileId: string;
}

/** The purposes the person may grant or withdraw (`necessary` is not theirs to refuse), as they stand. */
export async function consentChoicesOf(engine: Engine, person: Person): Promise<ConsentChoice[]> {
  const [purposes, consent] = await Promise.all([
    engine.consent.purposes(person.workspaceId),
    engine.consent.profileConsent(person.workspaceId, person.profileId),
  ]);
  return purposes
    .filter((purpose) => purpose.key !== NECESSARY_PURPOSE)
    .map((purpose) => ({
      key: purpose.key,
      label: purpose.label,
      description: purpose.description,
      granted: consent.purposes[purpose.key]?.granted ?? false,
    }));
}

/**
 * Records what the person chose on the page, with proof: their request's IP and browser, and the
 * label and description they were shown (versioned by the purpose's last edit). A purpose is
 * recorded when the choice differs from its state, or confirms a default the person never chose.
 */
export async function recordConsentChoices(
  engine: Engine,
  person: Person,
  choice: {
    shown: readonly string[];
    granted: ReadonlySet<string>;
    ip: string;
    userAgent: string | undefined;
  },
): Promise<void> {
  const [purposes, consent] = await Promise.all([
    engine.consent.purposes(person.workspaceId),
    engine.consent.profileConsent(person.workspaceId, person.profileId),
  ]);
  const decided: Record<string, boolean> = {};
  const wordings: Record<string, { wording: string; version: string }> = {};
  for (const purpose of purposes) {
    if (purpose.key === NECESSARY_PURPOSE || !choice.shown.includes(purpose.key)) continue;
    const granted = choice.granted.has(purpose.key);
    const state = consent.purposes[purpose.key];
    if (state?.basis === 'decision' && state.granted === granted) continue;
    decided[purpose.key] = granted;
    wordings[purpose.key] = {
      wording: purpose.description ? `${purpose.label}: ${purpose.description}` : purpose.label,
      version: purpose.updatedAt,
    };
  }
  if (Object.keys(decided).length === 0) return;
  await engine.consent.record(person.workspaceId, consent.profileId, {
    purposes: decided,
    source: 'preference_page',
    proof: { ip: choice.ip, userAgent: choice.userAgent?.slice(0, 1000) },
    wordings,
  });
}
