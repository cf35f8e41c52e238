/** The English dictionary, loaded only when English is chosen (it stays out of the first screen's bundle). */
import type { Key } from './i18n';
import { enCommon } from './i18n/en-common';
import { enLogin } from './i18n/en-login';
import { enLog } from './i18n/en-log';
import { enCases } from './i18n/en-cases';
import { enStudents } from './i18n/en-students';
import { enPrevention } from './i18n/en-prevention';
import { enAdmin } from './i18n/en-admin';
import { enProblems } from './i18n/en-problems';

// Each area holds exactly its Danish module's keys; together they are every Key.
export const en: Record<Key, string> = {
  ...enCommon,
  ...enLogin,
  ...enLog,
  ...enCases,
  ...enStudents,
  ...enPrevention,
  ...enAdmin,
  ...enProblems,
};
