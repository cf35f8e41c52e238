/** Danish: logging in (password, single sign-on, two factors) and out.
 * One area of `da` (../i18n.ts); ./en-login.ts has the same keys in English. */
export const daLogin = {
  // single sign-on
  sso_login_with: 'Log ind med {name}',
  sso_or_password: 'eller med e-mail og adgangskode',
  sso_error_unknown_subject: 'Du er ikke oprettet i Trivsel med dette login. Bed skolens administrator om at oprette dig og knytte dit login til din bruger.',
  sso_error_pupil: 'Trivsel er kun for skolens voksne. Elever kan ikke logge ind.',
  sso_error_not_staff: 'Dit login er ikke et medarbejderlogin. Trivsel er kun for skolens medarbejdere.',
  sso_error_deactivated: 'Din bruger i Trivsel er deaktiveret. Kontakt skolens administrator.',
  sso_error_wrong_school: 'Dit login hører til en anden skole end din bruger i Trivsel. Kontakt skolens administrator.',
  sso_error_token_invalid: 'Login kunne ikke bekræftes. Prøv igen; sker det igen, så kontakt skolens administrator.',
  sso_error_provider_error: 'Loginudbyderen svarede ikke som forventet. Prøv igen om lidt.',
  sso_refused_title: 'Du blev ikke logget ind',
  // two factors for case work
  password_login_disabled: 'Skolen bruger kun login med Unilogin eller kommunens login. Brug knappen ovenfor.',
  step_up_title: 'Sager kræver login med to faktorer',
  step_up_text: 'Skolen kræver, at du logger ind med to faktorer (f.eks. MitID) for at arbejde med sager. Hurtig-log og observationer virker stadig.',
  step_up_button: 'Log ind med to faktorer ({name})',
  // login
  login_title: 'Log ind',
  email: 'E-mail',
  password: 'Adgangskode',
  login_button: 'Log ind',
  login_failed: 'Forkert e-mail eller adgangskode.',
  login_rate_limited: 'For mange forsøg. Prøv igen om {s} sekunder.',
  login_offline: 'Du er offline. Log ind, når du har forbindelse igen.',
  logout: 'Log ud',
  // logged out with logs still on the phone
  logged_out_pending_one: "Der er 1 registrering på telefonen, som ikke er sendt endnu. Den bliver sendt, når {name} logger ind igen.",
  logged_out_pending_many: "Der er {n} registreringer på telefonen, som ikke er sendt endnu. De bliver sendt, når {name} logger ind igen.",
  logged_out_pending_others: "Der er {n} registreringer på telefonen, som ikke er sendt endnu. Hver bliver sendt, når den, der skrev den, logger ind igen.",
};
