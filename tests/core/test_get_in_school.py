"""get_in_school with loader options: the read by id is built once per model and options, and answers as
`session.get` does (another school's object is 404; an object already in the session is not read again)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import joinedload

from api.core.db import db
from api.core.scoping import get_in_school
from api.errors import NotFound
from api.students.models import SchoolClass, Student
from tests.factories import make_class, make_school, make_student
from tests.queries import statements

WITH_CLASS = (joinedload(Student.school_class),)


def _arrange(app):
    with app.app_context():
        session = db.session
        school, other = make_school(session, name="Vestrup Skole"), make_school(session, name="Anden Skole")
        klass = make_class(session, school, name="3.A", grade=3)
        anna = make_student(session, school, klass, given_name="Anna", family_name="Holm")
        otto = make_student(session, other, given_name="Otto")
        session.commit()
        return school.id, anna.id, otto.id


def test_options_load_with_the_object_in_one_statement(app, database_url):
    school_id, anna_id, _ = _arrange(app)
    with app.app_context(), statements(database_url) as sent:
        student = get_in_school(db.session, Student, anna_id, school_id=school_id, options=WITH_CLASS)
        assert isinstance(student.school_class, SchoolClass) and student.school_class.name == "3.A"
        again = get_in_school(db.session, Student, anna_id, school_id=school_id, options=WITH_CLASS)
    assert again is student
    # One read: the second answer came from the session, as session.get's does.
    assert len([s for s in sent if s.startswith("SELECT")]) == 1, sent


def test_another_schools_object_is_404_with_options_too(app):
    school_id, _, otto_id = _arrange(app)
    with app.app_context(), pytest.raises(NotFound):
        get_in_school(db.session, Student, otto_id, school_id=school_id, options=WITH_CLASS)
    with app.app_context(), pytest.raises(NotFound):
        get_in_school(db.session, Student, 10**6, school_id=school_id, options=WITH_CLASS)


def test_a_read_without_options_is_built_once_too(app, database_url, monkeypatch):
    """No options: the statement built once for the model answers, not `session.get` (which builds its statement
    again on every call); an object already in the session is still answered from it."""
    school_id, anna_id, otto_id = _arrange(app)
    built = []

    with app.app_context(), statements(database_url) as sent:
        session = db.session
        original = type(session).get

        def counted_get(self, *args, **kwargs):
            built.append(args)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(type(session), "get", counted_get)
        student = get_in_school(session, Student, anna_id, school_id=school_id)
        assert built == []  # the statement built once read it
        assert student.given_name == "Anna" and student.school_class.name == "3.A"
        again = get_in_school(session, Student, anna_id, school_id=school_id)
        assert again is student
        with pytest.raises(NotFound):
            get_in_school(session, Student, otto_id, school_id=school_id)
        with pytest.raises(NotFound):
            get_in_school(session, Student, 10**6, school_id=school_id)
    assert len(built) == 1  # the object in the session: answered as session.get answers
    # Anna (with her class, joined as the model says), Otto and the missing id: one read each.
    assert len([s for s in sent if s.startswith("SELECT")]) == 3, sent
