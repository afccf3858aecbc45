export {
  openWarehouseConnection,
  type WarehouseConnection,
  type WarehouseEngine,
} from './warehouse-connection.js';
export { maskDeliveryMessage, maskWarehouseProfile, type WarehouseMaskOf } from './warehouse-masking.js';
export {
  syncWarehouse,
  type WarehouseTransportOptions,
  warehouseTransport,
  warehouseTransportKind,
} from './warehouse-transport.js';
export {
  type ColumnKind,
  kindOf,
  traitColumn,
  type WarehouseIdentity,
  type WarehouseProfile,
  WarehouseWriter,
} from './warehouse-writer.js';
