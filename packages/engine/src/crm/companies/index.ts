export { type CompaniesDeps, CompaniesService } from './companies-service.js';
