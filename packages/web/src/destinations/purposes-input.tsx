import { MultiSelect, TagsInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useCurrentSession } from '../auth/use-session';
import { pickerApi, pickerQueryKey } from './destinations-api';

const DESCRIPTION = 'Only people who granted every one of these purposes are sent to this destination.';

/** Consent purposes the destination needs: picked from the workspace's purposes, or typed without a consent API. */
export function PurposesInput({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (purposes: string[]) => void;
  /** The server's refusal of a purpose (one it does not know). */
  error?: string | undefined;
}) {
  const session = useCurrentSession();
  const purposes = useQuery({
    queryKey: pickerQueryKey(session.workspace.id, 'purposes'),
    queryFn: pickerApi.purposes,
  });

  if (purposes.data) {
    const data = purposes.data.map((purpose) => ({
      value: purpose.key,
      label: purpose.label ?? purpose.key,
    }));
    // A purpose stored earlier and since removed still shows, so saving does not silently drop it.
    for (const key of value)
      if (!data.some((option) => option.value === key)) data.push({ value: key, label: key });
    return (
      <MultiSelect
        label="Consent purposes needed"
        description={DESCRIPTION}
        placeholder={value.length ? undefined : 'None: everyone is sent'}
        data={data}
        value={value}
        onChange={onChange}
        searchable
        clearable
        maw={560}
        error={error}
      />
    );
  }
  return (
    <TagsInput
      label="Consent purposes needed"
      description={`${DESCRIPTION} Type a purpose (e.g. marketing) and press Enter.`}
      placeholder={purposes.isPending ? 'Loading purposes…' : 'marketing'}
      value={value}
      onChange={(next) => onChange(next.map((purpose) => purpose.trim().toLowerCase()).filter(Boolean))}
      maw={560}
      clearable
      error={error}
    />
  );
}
