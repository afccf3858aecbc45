import { Accordion, ActionIcon, Badge, Button, Group, Text, TextInput } from '@mantine/core';
import type { PlannedEvent } from '@tandem/contract';
import { useState } from 'react';
import { SchemaEditor } from './schema-editor';
import { rowsOf } from './schema-rows';

type PlannedEventsEditorProps = {
  events: PlannedEvent[];
  onChange: (events: PlannedEvent[]) => void;
  readOnly: boolean;
};

/** The plan's track events, one panel each with its schema; events can be added and removed. */
export function PlannedEventsEditor({ events, onChange, readOnly }: PlannedEventsEditorProps) {
  const [newName, setNewName] = useState('');
  const taken = events.some((event) => event.name === newName.trim());
  const replace = (index: number, event: PlannedEvent) =>
    onChange(events.map((other, at) => (at === index ? event : other)));

  return (
    <>
      {events.length === 0 && (
        <Text c="dimmed" size="sm">
          No events planned yet: add one, draft the plan from the events this source already sent, or import a
          plan.
        </Text>
      )}
      <Accordion multiple variant="separated" chevronPosition="left">
        {events.map((event, index) => (
          <Accordion.Item key={event.name} value={event.name}>
            <Group wrap="nowrap" gap="xs" pr="xs">
              <Accordion.Control>
                <Group gap="xs">
                  <Text fw={500}>{event.name}</Text>
                  <Badge size="sm" variant="light" color="gray">
                    {propertyCount(event.schema)}
                  </Badge>
                </Group>
              </Accordion.Control>
              {!readOnly && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${event.name}`}
                  onClick={() => onChange(events.filter((_, at) => at !== index))}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
            <Accordion.Panel>
              <SchemaEditor
                noun="property"
                label={`JSON Schema of ${event.name} properties`}
                schema={event.schema}
                onChange={(schema) => replace(index, { ...event, schema })}
                readOnly={readOnly}
              />
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      {!readOnly && (
        <Group align="flex-end">
          <TextInput
            label="New event"
            placeholder="Order Completed"
            value={newName}
            onChange={(event) => setNewName(event.currentTarget.value)}
            error={taken ? 'Already planned' : undefined}
          />
          <Button
            variant="light"
            disabled={newName.trim() === '' || taken}
            onClick={() => {
              onChange([
                ...events,
                { name: newName.trim(), schema: { type: 'object', properties: {}, required: [] } },
              ]);
              setNewName('');
            }}
          >
            Add event
          </Button>
        </Group>
      )}
    </>
  );
}

function propertyCount(schema: Record<string, unknown>): string {
  const count = rowsOf(schema).length;
  return count === 1 ? '1 property' : `${count} properties`;
}
