/** Type prefixes of Tandem's opaque, time-ordered ids (`prof_01J…`). */
export const ID_PREFIXES = {
  workspace: 'ws',
  profile: 'prof',
  event: 'evt',
  audience: 'aud',
  source: 'src',
  destination: 'dst',
  company: 'co',
  deal: 'deal',
  pipeline: 'pipe',
  stage: 'stage',
  ticket: 'tick',
  task: 'task',
  user: 'usr',
  invitation: 'inv',
  token: 'tok',
  session: 'ses',
  import: 'imp',
  merge: 'mrg',
  computedTrait: 'ctr',
  audienceFile: 'afile',
  consentDecision: 'cns',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
