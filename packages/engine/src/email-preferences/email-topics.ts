import type { EmailTopic, EmailTopicInput } from '@tandem/contract';
import { EmailTopicInputSchema } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.js';
import { newId } from '../ids/index.js';
import type { Database } from '../store/index.js';

type Row = Database['email_topics'];

/** A workspace's subscription topics (newsletter, product news, …), oldest first. */
export async function listTopics(db: Kysely<Database>, workspaceId: string): Promise<EmailTopic[]> {
  const rows = await db
    .selectFrom('email_topics')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('topic_id')
    .execute();
  return rows.map(topicOf);
}

export async function getTopic(
  db: Kysely<Database>,
  workspaceId: string,
  topicId: string,
): Promise<EmailTopic> {
  const row = await db
    .selectFrom('email_topics')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('topic_id', '=', topicId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `No email topic ${topicId}`);
  return topicOf(row);
}

export async function createTopic(
  db: Kysely<Database>,
  workspaceId: string,
  input: EmailTopicInput,
  at: string,
): Promise<EmailTopic> {
  const topic = EmailTopicInputSchema.parse(input);
  await assertNameFree(db, workspaceId, topic.name, null);
  const row: Row = {
    workspace_id: workspaceId,
    topic_id: newId('emailTopic'),
    name: topic.name,
    description: topic.description,
    default_subscribed: topic.defaultSubscribed ? 1 : 0,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('email_topics').values(row).execute();
  return topicOf(row);
}

export async function updateTopic(
  db: Kysely<Database>,
  workspaceId: string,
  topicId: string,
  patch: Partial<EmailTopicInput>,
  at: string,
): Promise<EmailTopic> {
  const before = await getTopic(db, workspaceId, topicId);
  if (patch.name !== undefined) await assertNameFree(db, workspaceId, patch.name.trim(), topicId);
  await db
    .updateTable('email_topics')
    .set({
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.defaultSubscribed !== undefined
        ? { default_subscribed: patch.defaultSubscribed ? 1 : 0 }
        : {}),
      updated_at: at,
    })
    .where('workspace_id', '=', workspaceId)
    .where('topic_id', '=', before.id)
    .execute();
  return getTopic(db, workspaceId, topicId);
}

/** Removes a topic; people's past decisions about it stay in their history. */
export async function deleteTopic(db: Kysely<Database>, workspaceId: string, topicId: string): Promise<void> {
  const deleted = await db
    .deleteFrom('email_topics')
    .where('workspace_id', '=', workspaceId)
    .where('topic_id', '=', topicId)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw new AppError('not_found', `No email topic ${topicId}`);
}

async function assertNameFree(
  db: Kysely<Database>,
  workspaceId: string,
  name: string,
  exceptId: string | null,
) {
  const taken = await db
    .selectFrom('email_topics')
    .select('topic_id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (taken && taken.topic_id !== exceptId)
    throw new AppError('conflict', `name: a topic named “${name}” exists`, {
      details: [{ path: 'name', message: 'already used by another topic' }],
    });
}

function topicOf(row: Row): EmailTopic {
  return {
    id: row.topic_id,
    name: row.name,
    description: row.description,
    defaultSubscribed: row.default_subscribed === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
