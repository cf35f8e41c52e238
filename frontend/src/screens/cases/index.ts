/** Case work, loaded lazily: the case list, notifications and one case with a file per section. */
export { CaseList } from './list';
export { CaseDetail } from './detail';
export { Notifications } from './notifications';
