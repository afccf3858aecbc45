export { DeskPersonData } from './desk-person-data.js';
