import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/i18n';
import { fieldMessage, toProblem } from '../src/lib/problems';

afterEach(() => setLang('da'));

describe('the one error shape in Danish', () => {
  it('gives each field its Danish message, flat or under the old location level', () => {
    const flat = toProblem(409, { code: 409, status: 'Conflict', type: 'duplicate', message: 'A user with this email already exists.', errors: { email: ['already in use'] } });
    expect(flat).toEqual({ status: 409, type: 'duplicate', message: 'Findes allerede.', fields: { email: 'Er allerede i brug.' } });
    const nested = toProblem(422, { code: 422, status: 'Unprocessable Entity', message: 'x', errors: { json: { name: ['Missing data for required field.'] } } });
    expect(nested.fields).toEqual({ name: 'Skal udfyldes.' });
    expect(nested.message).toBe('Tjek de markerede felter.');
  });

  it('keeps nested field paths and the first message of each', () => {
    const p = toProblem(422, { errors: { students: { '0': { role: ['Must be one of: target, actor.'] } } } });
    expect(p.fields).toEqual({ students: 'Ikke et af valgene.', 'students.0': 'Ikke et af valgene.', 'students.0.role': 'Ikke et af valgene.' });
  });

  it('says what went wrong by type first, then by status, never in the server\'s English', () => {
    expect(toProblem(403, { type: 'separation_rule', message: 'The arrangement cannot be made.' }).message).toBe(
      'Det kan ikke lade sig gøre. Spørg en leder eller ressourcepersonen.',
    );
    expect(toProblem(412, {}).message).toMatch(/^Nogen har ændret dette imens/);
    expect(toProblem(503, 'not json').message).toBe('Serveren fejlede. Prøv igen om lidt.');
    expect(fieldMessage('Longer than maximum length 200.')).toBe('Højst 200 tegn.');
    expect(fieldMessage('something nobody wrote a pattern for')).toBe('Ugyldig værdi.');
  });

  it('speaks English when English is chosen', async () => {
    await setLang('en');
    expect(toProblem(422, { errors: { email: ['Not a valid email address.'] } }).fields.email).toBe('Not a valid email address.');
  });
});
