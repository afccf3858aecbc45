export { maskCall, maskPersonal, maskValue, PersonalMask } from './personal-mask.js';
export { DEFAULT_PII_SETTINGS, PiiService } from './pii-service.js';
