export {
  type BgNbdParams,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesOfNewCustomer,
  type Fit,
  fitBgNbd,
  type PurchaseHistory,
  probabilityAlive,
} from './bgnbd.js';
export { churnRiskOf } from './churn-risk.js';
export {
  conditionalExpectedSpend,
  fitGammaGamma,
  type GammaGammaParams,
  type SpendHistory,
} from './gamma-gamma.js';
export { lifetimeValue } from './lifetime-value.js';
export { predictionPersonData } from './prediction-person-data.js';
export { DEFAULT_PREDICTION_SETTINGS } from './prediction-settings.js';
export { type PredictionsOptions, PredictionsService } from './predictions-service.js';
export { PredictionsWorker } from './predictions-worker.js';
export { type CustomerSummary, type Order, summarizePurchases, type TimeUnit } from './purchase-summary.js';
export { rfmScores, rfmSegmentOf } from './rfm.js';
