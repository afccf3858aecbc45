import { TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';

type PeopleSearchProps = {
  value: string;
  onSearch: (q: string) => void;
  label?: string;
  description?: string;
  placeholder?: string;
};

/** Searches as one types (debounced), and at once on Enter. */
export function PeopleSearch({ value, onSearch, ...wording }: PeopleSearchProps) {
  const [text, setText] = useState(value);
  const search = useDebouncedCallback((next: string) => onSearch(next.trim()), 300);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    search.cancel();
    onSearch(text.trim());
  };

  return (
    <search>
      <form onSubmit={submit}>
        <TextInput
          type="search"
          label={wording.label ?? 'Search people'}
          description={
            wording.description ??
            "An email, user id or other identifier (or its beginning), or a trait's exact value"
          }
          placeholder={wording.placeholder ?? 'ada@example.com'}
          maw={520}
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            search(event.currentTarget.value);
          }}
        />
      </form>
    </search>
  );
}
