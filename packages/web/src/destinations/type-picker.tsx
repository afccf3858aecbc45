import { Group, Radio, SimpleGrid, Text } from '@mantine/core';
import type { DestinationType } from '@tandem/contract';
import { DESTINATION_TYPE_INFO } from './destination-types';

/** The destination types as cards, one sentence each; a type is fixed once the destination exists. */
export function TypePicker({
  value,
  onChange,
}: {
  value: DestinationType;
  onChange: (type: DestinationType) => void;
}) {
  return (
    <Radio.Group
      value={value}
      onChange={(next) => onChange(next as DestinationType)}
      aria-label="Destination type"
    >
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {DESTINATION_TYPE_INFO.map((info) => (
          <Radio.Card key={info.type} value={info.type} radius="md" p="md" aria-label={info.label}>
            <Group wrap="nowrap" align="flex-start">
              <Radio.Indicator mt={2} />
              <div>
                <Text fw={600}>{info.label}</Text>
                <Text size="sm" c="dimmed">
                  {info.summary}
                </Text>
              </div>
            </Group>
          </Radio.Card>
        ))}
      </SimpleGrid>
    </Radio.Group>
  );
}
