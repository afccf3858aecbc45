import type { Kysely } from 'kysely';
import { isoAt } from '../conditions/index.js';
import { consentedProfiles } from '../consent/index.js';
import { liveProfilesAmong } from '../identity/index.js';
import type { Database } from '../store/index.js';
import type { RuleNode } from './compiled-rule.js';
import type { MembershipChange } from './membership-changes.js';
import { recordChanges } from './membership-changes.js';
import { eventReadsOf, loadProfileFacts } from './profile-facts.js';
import { ruleHolds } from './rule-evaluator.js';

/** An audience with its validated rule, in dependency order (referenced audiences first). */
export interface CompiledAudience {
  readonly id: string;
  readonly name: string;
  readonly rule: RuleNode;
  /** A consent purpose members must have granted (null: none). */
  readonly requiredPurpose: string | null;
}

export interface Scope {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;
  readonly now: number;
}

/**
 * The real-time path: re-evaluates these profiles in memory against these audiences and records
 * enters and exits. (Window edges are found by the sweep, window-sweep.ts.)
 */
export async function evaluateProfiles(
  scope: Scope,
  audiences: readonly CompiledAudience[],
  profileIds: readonly string[],
): Promise<MembershipChange[]> {
  if (audiences.length === 0 || profileIds.length === 0) return [];
  const live = await liveProfilesAmong(scope.db, scope.workspaceId, profileIds);
  const facts = await loadProfileFacts(
    scope.db,
    scope.workspaceId,
    live,
    eventReadsOf(audiences.map((a) => a.rule)),
  );
  const consenting = await consentingProfiles(scope, audiences, live);
  const changes: MembershipChange[] = [];
  const at = isoAt(scope.now);
  for (const audience of audiences) {
    const consented =
      audience.requiredPurpose === null ? undefined : consenting.get(audience.requiredPurpose);
    for (const profileId of live) {
      const ofProfile = facts.get(profileId);
      if (!ofProfile) continue;
      const member =
        (consented === undefined || consented.has(profileId)) &&
        ruleHolds(audience.rule, ofProfile, scope.now);
      const audiencesOfProfile = ofProfile.audiences;
      if (member !== audiencesOfProfile.has(audience.id)) {
        changes.push({
          workspaceId: scope.workspaceId,
          audienceId: audience.id,
          audienceName: audience.name,
          profileId,
          entered: member,
          at,
        });
        // Later audiences that reference this one see the new membership.
        if (member) audiencesOfProfile.add(audience.id);
        else audiencesOfProfile.delete(audience.id);
      }
    }
  }
  await recordChanges(scope.db, changes);
  return changes;
}

/** Per purpose the audiences require, which of these profiles grant it (the deliveries' check). */
async function consentingProfiles(
  scope: Scope,
  audiences: readonly CompiledAudience[],
  profileIds: readonly string[],
): Promise<Map<string, ReadonlySet<string>>> {
  const consenting = new Map<string, ReadonlySet<string>>();
  for (const { requiredPurpose } of audiences) {
    if (requiredPurpose === null || consenting.has(requiredPurpose)) continue;
    consenting.set(
      requiredPurpose,
      await consentedProfiles(scope.db, scope.workspaceId, profileIds, [requiredPurpose]),
    );
  }
  return consenting;
}

/** Of the profiles meeting an audience's rule, those granting its required purpose (batch paths). */
export async function withRequiredConsent(
  scope: Scope,
  requiredPurpose: string | null,
  profileIds: readonly string[],
): Promise<string[]> {
  if (requiredPurpose === null) return [...profileIds];
  const consented = await consentedProfiles(scope.db, scope.workspaceId, profileIds, [requiredPurpose]);
  return profileIds.filter((id) => consented.has(id));
}
