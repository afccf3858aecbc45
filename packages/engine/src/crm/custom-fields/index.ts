export { CustomFieldDefinitions, customFieldsOf } from './custom-field-definitions.js';
export { checkFieldValues, validateCustomFields } from './custom-field-values.js';
