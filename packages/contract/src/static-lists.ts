import { z } from 'zod';

/** At most this many people per add or remove call. */
export const MAX_LIST_CHANGE = 1000;

/** A static list: people added and removed by hand, by journeys or by the API (never by rules). */
export const CreateStaticListSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
});
export type CreateStaticList = z.input<typeof CreateStaticListSchema>;
export const UpdateStaticListSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000),
  })
  .partial();
export type UpdateStaticList = z.infer<typeof UpdateStaticListSchema>;

export const StaticListSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    /** Live people on the list (merged profiles counted once). */
    members: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'StaticList' });
export type StaticList = z.infer<typeof StaticListSchema>;

/** `POST` / `DELETE /api/v1/lists/{id}/members`. */
export const ListMembersChangeSchema = z.strictObject({
  profileIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_LIST_CHANGE),
});
export type ListMembersChange = z.infer<typeof ListMembersChangeSchema>;
export const ListMembersChangedSchema = z.object({
  /** People added (or removed) by this call; those already on (or off) the list are not counted. */
  changed: z.number().int(),
  /** Ids that name no profile of the workspace. */
  unknown: z.array(z.string()),
});

export const ListMemberSchema = z
  .object({
    profileId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    addedAt: z.string(),
  })
  .meta({ id: 'ListMember' });
export type ListMember = z.infer<typeof ListMemberSchema>;
