export { MAX_STAMP_AGE_MS, MIN_FILL_MS, type WebFormsDeps, WebFormsService } from './web-forms-service.js';
