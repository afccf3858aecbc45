export { canonicalValue, identifierHash } from './identifier-keys.js';
export { exportSummaryHtml, type PersonExport } from './person-export.js';
export { PrivacyService, type PrivacyServiceOptions } from './privacy-service.js';
export { SuppressionAdmission } from './suppression-admission.js';
