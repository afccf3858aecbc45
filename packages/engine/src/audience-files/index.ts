export { audienceFilePersonData, type PersonTraitsOf } from './audience-file-person-data.js';
export {
  type AudienceFilesOptions,
  AudienceFilesService,
  type FullExport,
} from './audience-files-service.js';
export {
  type ContactFields,
  contactFieldsOf,
  e164,
  GOOGLE_COLUMNS,
  googleEmail,
  googleRow,
  META_COLUMNS,
  metaEmail,
  metaPhone,
  metaRow,
  sha256Hex,
} from './customer-match.js';
export {
  type AudienceFileFormat,
  contentTypeOf,
  csvField,
  extensionOf,
  type FileProfile,
  headerOf,
  lineOf,
} from './file-formats.js';
