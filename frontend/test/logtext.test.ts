import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/i18n';
import { inline, logLine } from '../src/lib/logtext';

afterEach(() => setLang('da'));

const incidentReported = {
  kind: 'incident',
  summary: 'Incident: bullying (role: target); case open',
  detail: { event: 'reported', classification: 'bullying', role: 'target', status: 'open' },
};

describe('the student log in Danish', () => {
  it('an incident reported and established', () => {
    setLang('da');
    expect(logLine(incidentReported)).toEqual({ text: 'Mobning indberettet. Elevens rolle: udsat. Sagens status: åben.' });
    expect(
      logLine({
        kind: 'incident',
        summary: 'digital_bullying established (role: actor); action plan due 2026-03-03',
        detail: { event: 'established', classification: 'digital_bullying', role: 'actor', action_plan_due: '2026-03-03' },
      }).text,
    ).toBe('Digital mobning konstateret. Elevens rolle: udøver. Frist for handlingsplan: 3. marts 2026 · uge 10.');
    expect(
      logLine({
        kind: 'incident',
        summary: 'teasing established (role: bystander); action plan due -',
        detail: { event: 'established', classification: 'teasing', role: 'bystander', action_plan_due: null },
      }).text,
    ).toBe('Drilleri konstateret. Elevens rolle: tilskuer.');
  });

  it('a case note and action plans', () => {
    setLang('da');
    expect(
      logLine({ kind: 'case_note', summary: 'Case note: conversation with parents (case 7)', detail: { conversation_with: 'parents', incident_id: 7 } }).text,
    ).toBe('Talt med forældrene (sag #7).');
    const plan = (detail: Record<string, unknown>) => logLine({ kind: 'action_plan', summary: 'x', detail: { incident_id: 7, ...detail } }).text;
    expect(plan({ event: 'action_plan_saved', adopted: true, measures: 3, action_plan_due: null })).toBe('Vedtaget i sag #7. 3 tiltag.');
    expect(plan({ event: 'action_plan_saved', adopted: false, measures: 1, action_plan_due: null })).toBe('Revideret i sag #7. 1 tiltag.');
    expect(plan({ event: 'action_plan_saved', adopted: false, measures: null, action_plan_due: null })).toBe('Revideret i sag #7.');
    expect(plan({ event: 'plan_reopened', adopted: false, measures: null, action_plan_due: '2026-04-01' })).toBe(
      'Genåbnet i sag #7, fordi mobningen fortsatte. Ny frist: 1. april 2026 · uge 14.',
    );
  });

  it('an observation, with the note in the adult’s own words', () => {
    setLang('da');
    expect(
      logLine({
        kind: 'observation',
        summary: 'Observation: mood 2/5 (bad), context recess, tags alone, sad. Note: Sad alene på bænken. Note: igen',
        detail: { mood: 2, context: 'recess', tags: ['alone', 'sad'], sensitive: false },
      }),
    ).toEqual({
      text: 'Humør: ked af det (2/5). Situation: frikvarter. Stikord: alene og ked af det.',
      note: 'Sad alene på bænken. Note: igen',
      noteLabel: 'Note',
    });
    expect(
      logLine({ kind: 'observation', summary: 'Observation: mood 4/5 (good). Note: Hjalp', detail: { mood: 4, context: null, tags: [], sensitive: true } }),
    ).toEqual({ text: 'Humør: glad (4/5).', note: 'Hjalp', noteLabel: 'Følsom note' });
    const hidden = logLine({
      kind: 'observation',
      summary: 'Observation: mood 1/5 (very bad), context sfo. (Sensitive note hidden)',
      detail: { mood: 1, context: 'sfo', tags: [], sensitive: true },
    });
    expect(hidden.text).toBe('Humør: meget ked af det (1/5). Situation: SFO.');
    expect(hidden.note).toBeUndefined();
    expect(hidden.noteHidden).toMatch(/^Noten er følsom/);
  });

  it('play-partner arrangements and check-ins', () => {
    setLang('da');
    expect(
      logLine({
        kind: 'play_partner_arrangement',
        summary: 'x',
        detail: {
          partners: ['Ali Hansen', 'Bo Jensen'],
          recesses: ['first_recess', 'lunch'],
          weekdays: [1, 3],
          start_date: '2026-03-02',
          end_date: '2026-03-27',
          status: 'active',
          responsible: 'Lone Lærer',
        },
      }).text,
    ).toBe(
      'Med Ali Hansen og Bo Jensen i 1. frikvarter og spisefrikvarter mandag og onsdag, fra 2. marts 2026 · uge 10 til 27. marts 2026 · uge 13. Status: aktiv. Ansvarlig: Lone Lærer.',
    );
    expect(
      logLine({
        kind: 'play_partner_check_in',
        summary: 'Play-partner check-in for 2026-03-03 (lunch): went so-so. Note: De legede lidt',
        detail: { day: '2026-03-03', recess: 'lunch', outcome: 'mixed' },
      }),
    ).toEqual({ text: 'Sådan gik det 3. marts 2026 · uge 10 (spisefrikvarter): blandet.', note: 'De legede lidt', noteLabel: 'Note' });
    const hidden = logLine({
      kind: 'play_partner_check_in',
      summary: 'Play-partner check-in for 2026-03-03: did not happen. (Note hidden)',
      detail: { day: '2026-03-03', recess: null, outcome: 'did_not_happen' },
    });
    expect(hidden.text).toBe('Sådan gik det 3. marts 2026 · uge 10: skete ikke.');
    expect(hidden.noteHidden).toBe('Noten er ikke synlig for dig.');
  });

  it('the roster', () => {
    setLang('da');
    expect(logLine({ kind: 'roster', summary: 'Added to the roster', detail: { event: 'joined' } }).text).toBe('Kom på skolens elevliste.');
    expect(logLine({ kind: 'roster', summary: 'Left the school on 30.06.2026', detail: { event: 'left', left_on: '2026-06-30' } }).text).toBe(
      'Udmeldt af skolen den 30. juni 2026 · uge 27.',
    );
  });
});

describe('the student log in English', () => {
  it('uses the English labels', async () => {
    await setLang('en');
    expect(logLine(incidentReported).text).toBe("Bullying reported. The student's role: target. Case status: open.");
    expect(logLine({ kind: 'action_plan', summary: 'x', detail: { event: 'action_plan_saved', adopted: true, measures: 1, incident_id: 2 } }).text).toBe(
      'Adopted in case #2. 1 measure.',
    );
    expect(
      logLine({
        kind: 'play_partner_arrangement',
        summary: 'x',
        detail: { partners: ['Ali', 'Bo', 'Cy'], recesses: ['sfo'], weekdays: [5], start_date: '2026-03-02', end_date: '2026-03-27', status: 'paused', responsible: 'Lone' },
      }).text,
    ).toBe('With Ali, Bo and Cy at after-school on Friday, from 2 March 2026 · week 10 to 27 March 2026 · week 13. Status: paused. Responsible: Lone.');
  });
});

describe('falling back to the English summary', () => {
  it('for an unknown kind, missing detail or detail it cannot read', () => {
    setLang('da');
    expect(logLine({ kind: 'something_new', summary: 'Something new', detail: { a: 1 } })).toEqual({ text: 'Something new', lang: 'en' });
    expect(logLine({ kind: 'incident', summary: 'Incident: bullying', detail: null })).toEqual({ text: 'Incident: bullying', lang: 'en' });
    expect(logLine({ kind: 'incident', summary: 'Incident: bullying' })).toEqual({ text: 'Incident: bullying', lang: 'en' });
    expect(logLine({ kind: 'observation', summary: 'Observation: mood ?', detail: { mood: 9 } }).lang).toBe('en');
    expect(logLine({ kind: 'roster', summary: 'Added', detail: { event: 'moved' } }).lang).toBe('en');
    expect(logLine({ kind: 'toString', summary: 'odd', detail: {} }).lang).toBe('en');
  });

  it('keeps an unknown enum value readable', () => {
    setLang('da');
    expect(logLine({ ...incidentReported, detail: { ...incidentReported.detail, classification: 'new_kind' } }).text).toBe(
      'new_kind indberettet. Elevens rolle: udsat. Sagens status: åben.',
    );
  });

  it('lower-cases a label inside a sentence but not an abbreviation', () => {
    expect(inline('Udsat')).toBe('udsat');
    expect(inline('SFO')).toBe('SFO');
    expect(inline('1. frikvarter')).toBe('1. frikvarter');
  });
});
