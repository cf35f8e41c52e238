/** English: logging in (password, single sign-on, two factors) and out.
 * Exactly the keys of ./da-login.ts: the type fails the build on a missing or an extra one. */
import type { daLogin } from './da-login';

export const enLogin: Record<keyof typeof daLogin, string> = {
  // single sign-on
  sso_login_with: 'Log in with {name}',
  sso_or_password: 'or with e-mail and password',
  sso_error_unknown_subject: 'You are not set up in Trivsel with this login. Ask the school administrator to create you and link your login to your user.',
  sso_error_pupil: 'Trivsel is for the adults of the school only. Pupils cannot log in.',
  sso_error_not_staff: 'Your login is not a staff login. Trivsel is for school staff only.',
  sso_error_deactivated: 'Your Trivsel user is deactivated. Contact the school administrator.',
  sso_error_wrong_school: 'Your login belongs to another school than your Trivsel user. Contact the school administrator.',
  sso_error_token_invalid: 'The login could not be verified. Try again; if it happens again, contact the school administrator.',
  sso_error_provider_error: 'The login provider did not answer as expected. Try again in a moment.',
  sso_refused_title: 'You were not logged in',
  // two factors for case work
  password_login_disabled: 'The school only uses Unilogin or the municipal login. Use the button above.',
  step_up_title: 'Cases need a two-factor login',
  step_up_text: 'The school requires a two-factor login (e.g. MitID) for case work. The quick log and observations still work.',
  step_up_button: 'Log in with two factors ({name})',
  // login
  login_title: 'Log in',
  email: 'Email',
  password: 'Password',
  login_button: 'Log in',
  login_failed: 'Wrong email or password.',
  login_rate_limited: 'Too many attempts. Try again in {s} seconds.',
  login_offline: 'You are offline. Log in when you are connected again.',
  logout: 'Log out',
  // logged out with logs still on the phone
  logged_out_pending_one: "There is 1 record on this phone that has not been sent yet. It is sent when {name} logs in again.",
  logged_out_pending_many: "There are {n} records on this phone that have not been sent yet. They are sent when {name} logs in again.",
  logged_out_pending_others: "There are {n} records on this phone that have not been sent yet. Each is sent when the person who wrote it logs in again.",
};
