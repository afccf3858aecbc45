import { Button, Group, Select, TextInput } from '@mantine/core';
import { type AuditFilters, auditLogApi, NO_AUDIT_FILTERS } from './audit-log-api';

type AuditFiltersBarProps = { filters: AuditFilters; onChange: (filters: AuditFilters) => void };

/** Who, about whom, what and when: the audit page's filters, and the export of what they match. */
export function AuditFiltersBar({ filters, onChange }: AuditFiltersBarProps) {
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  return (
    <Group align="end" gap="sm" wrap="wrap" role="search" aria-label="Audit log filters">
      <TextInput
        label="Actor"
        placeholder="usr_… or tok_…"
        value={filters.actor}
        onChange={(e) => set({ actor: e.currentTarget.value.trim() })}
        w={220}
      />
      <TextInput
        label="Person"
        placeholder="prof_…"
        value={filters.profileId}
        onChange={(e) => set({ profileId: e.currentTarget.value.trim() })}
        w={240}
      />
      <Select
        label="Action"
        data={[
          { value: 'read', label: 'Reads of a person' },
          { value: 'write', label: 'Changes' },
        ]}
        value={filters.action || null}
        onChange={(value) => set({ action: value === 'read' || value === 'write' ? value : '' })}
        placeholder="Any"
        clearable
        w={170}
      />
      <TextInput
        label="From"
        type="date"
        value={filters.since}
        onChange={(e) => set({ since: e.currentTarget.value })}
      />
      <TextInput
        label="To"
        type="date"
        value={filters.until}
        onChange={(e) => set({ until: e.currentTarget.value })}
      />
      <Button variant="subtle" onClick={() => onChange(NO_AUDIT_FILTERS)}>
        Clear
      </Button>
      <Button
        component="a"
        variant="default"
        href={auditLogApi.exportUrl(filters, 'csv')}
        download="audit-log.csv"
      >
        Export CSV
      </Button>
      <Button
        component="a"
        variant="default"
        href={auditLogApi.exportUrl(filters, 'ndjson')}
        download="audit-log.ndjson"
      >
        Export NDJSON
      </Button>
    </Group>
  );
}
