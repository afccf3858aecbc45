/** The types the property table offers; a schema may say more (raw JSON Schema keeps it). */
export const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'any'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** One top-level property of an object schema, as the table edits it. */
export type PropertyRow = { name: string; type: PropertyType; required: boolean };

type JsonSchema = Record<string, unknown>;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The table's type of a property schema: its single type, `any` when it has none or several. */
function rowTypeOf(schema: unknown): PropertyType {
  const type = isObject(schema) ? schema.type : undefined;
  return typeof type === 'string' && (PROPERTY_TYPES as readonly string[]).includes(type)
    ? (type as PropertyType) // checked against the list just above
    : 'any';
}

/** The rows of an object schema's top-level properties, in their order. */
export function rowsOf(schema: JsonSchema): PropertyRow[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    type: rowTypeOf(property),
    required: required.has(name),
  }));
}

/**
 * The schema with its properties and required list from the rows. What the table does not show
 * (formats, enums, nested schemas, other keywords) is kept for properties whose type is unchanged.
 */
export function withRows(schema: JsonSchema, rows: readonly PropertyRow[]): JsonSchema {
  const before = isObject(schema.properties) ? schema.properties : {};
  const properties: JsonSchema = {};
  for (const row of rows) {
    if (row.name.trim() === '') continue;
    const previous = before[row.name];
    properties[row.name] =
      isObject(previous) && rowTypeOf(previous) === row.type
        ? previous
        : row.type === 'any'
          ? {}
          : { type: row.type };
  }
  const required = rows.filter((row) => row.required && row.name.trim() !== '').map((row) => row.name);
  return { ...schema, type: 'object', properties, required };
}
