export {
  EntityFleetCard,
  FleetCard,
  LegacyEntityFleetCard,
} from './EntityFleetCard';
export { FleetCellView } from './FleetCell';
