import { describe, expect, it } from 'vitest';
import { fold, matchStudents } from '../src/lib/recent';

describe('local student search', () => {
  const students = [
    { id: 1, display_name: 'Åse Møller' },
    { id: 2, display_name: 'Asger Hansen' },
    { id: 3, display_name: 'Emil Ærø-Jensen' },
    { id: 4, display_name: 'Zoë Østergaard' },
  ];
  it('folds Danish letters and accents', () => {
    expect(fold('ÅSE')).toBe('ase');
    expect(fold('Zoë')).toBe('zoe');
  });
  it('matches a prefix of any name part, accent-insensitively', () => {
    expect(matchStudents(students, 'as').map((s) => s.id)).toEqual([1, 2]);
    expect(matchStudents(students, 'mø').map((s) => s.id)).toEqual([1]);
    expect(matchStudents(students, 'jen').map((s) => s.id)).toEqual([3]);
    expect(matchStudents(students, 'os').map((s) => s.id)).toEqual([4]);
  });
  it('needs two letters', () => {
    expect(matchStudents(students, 'a')).toEqual([]);
  });
});
