/** The quick log (#/log), the phone's first screen: the form, its students, what happened, the details and the receipt. */
export { QuickLog } from './form';
