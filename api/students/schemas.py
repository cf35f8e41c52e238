"""Schemas of classes, students, guardians, the student log and the roster import; unknown fields are 422."""

from __future__ import annotations

import re

import marshmallow as ma
from flask_smorest.fields import Upload

from api.core.enums import register_enum
from api.core.etag import etag_of
from api.core.fields import id_field
from api.core.pagination import FeedQuery
from api.extensions import Schema, actions_field, computed
from api.students.models import ClassRole, GuardianRelation

CLASS_ROLES = [r.value for r in ClassRole]
STUDENT_ACTIONS = ["export_access"]
register_enum(
    "StudentAction",
    "What the reader of a student's page may do from it",
    {"export_access": ("Indsigt", "Produce the student's access export (GDPR art. 15)")},
)
RELATIONS = [r.value for r in GuardianRelation]
SCHOOL_YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")


def _school_year(value: str) -> None:
    match = SCHOOL_YEAR_RE.match(value)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ma.ValidationError('A school year is written "2026/27".')


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")


def _no_control(value: str) -> None:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ma.ValidationError("Must not contain control characters.")


def _name(max_len: int, **kwargs: object) -> ma.fields.String:
    return ma.fields.String(
        validate=[ma.validate.Length(min=1, max=max_len), _not_blank, _no_control],
        **kwargs,  # type: ignore[arg-type]
    )


_school_year_field = ma.fields.String(
    validate=[ma.validate.Length(equal=7), _school_year], metadata={"example": "2026/27"}
)
_grade_field = ma.fields.Integer(
    validate=ma.validate.Range(min=0, max=10), metadata={"description": "0 (børnehaveklasse) to 10"}
)
_external_id = ma.fields.String(
    validate=[ma.validate.Length(min=1, max=64), _not_blank, _no_control],
    allow_none=True,
    metadata={"description": "The student's id in the school's other systems (e.g. UNI-Login); unique"},
)


# Classes


class ClassStaffRead(Schema):
    """A staff member attached to a class."""

    user_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(attribute="user.name", dump_only=True)
    role = ma.fields.String(dump_only=True, metadata={"enum": CLASS_ROLES})


class ClassRead(Schema):
    """A class with the staff attached to it."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    grade = ma.fields.Integer(dump_only=True)
    school_year = ma.fields.String(dump_only=True)
    staff = ma.fields.List(ma.fields.Nested(ClassStaffRead), dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = computed(
        etag_of, "string", description="The record's version: If-Match to change it, If-None-Match to re-read"
    )


class ClassCreate(Schema):
    """A new class."""

    name = _name(64, required=True, metadata={"example": "3.A"})
    grade = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=10))
    school_year = ma.fields.String(
        required=True, validate=[ma.validate.Length(equal=7), _school_year], metadata={"example": "2026/27"}
    )


class ClassUpdate(Schema):
    """Changes to a class; every field optional."""

    name = _name(64)
    grade = _grade_field
    school_year = _school_year_field


class ClassQuery(FeedQuery):
    """Filters for the class list."""

    mine = ma.fields.Boolean(metadata={"description": "Only the classes I am attached to"})
    school_year = _school_year_field
    grade = _grade_field


class ClassStaffAttach(Schema):
    """Attach a staff member to a class (or change their role in it)."""

    user_id = id_field(strict=False, required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(CLASS_ROLES))


# Students


class StudentRead(Schema):
    """A student as every staff member of the school sees them: names and class."""

    id = ma.fields.Integer(dump_only=True)
    given_name = ma.fields.String(dump_only=True)
    family_name = ma.fields.String(dump_only=True)
    preferred_name = ma.fields.String(dump_only=True, allow_none=True)
    display_name = ma.fields.String(dump_only=True)
    class_id = ma.fields.Integer(dump_only=True, allow_none=True)
    class_name = ma.fields.String(dump_only=True, allow_none=True)
    grade = ma.fields.Integer(dump_only=True, allow_none=True)
    active = ma.fields.Boolean(dump_only=True)
    left_on = ma.fields.Date(dump_only=True, allow_none=True)
    sfo_enrolled = ma.fields.Boolean(dump_only=True)
    external_id = ma.fields.String(dump_only=True, allow_none=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = computed(
        etag_of, "string", description="The record's version: If-Match to change it, If-None-Match to re-read"
    )


class StudentDetail(StudentRead):
    """A student as the reader of their page sees them, with what the reader may do from it."""

    allowed_actions = actions_field(
        STUDENT_ACTIONS,
        "What you may do from the student's page (the app shows exactly these): export_access, the student's "
        "access export (GDPR art. 15)",
    )


# On the class list's page: whether this caller manages the classes and their staff (the UI shows the forms
# by it; every write checks it again).
CLASS_PAGE_EXTRA = {
    "can_manage": ma.fields.Boolean(
        metadata={"description": "Whether you may create classes and attach staff to them (an admin)"}
    )
}


class StudentCreate(Schema):
    """A new student. There is no field for a CPR number, and unknown fields are refused."""

    given_name = _name(100, required=True)
    family_name = _name(100, required=True)
    preferred_name = _name(100, allow_none=True)
    class_id = id_field(strict=False, allow_none=True)
    sfo_enrolled = ma.fields.Boolean()
    external_id = _external_id


class StudentUpdate(Schema):
    """Changes to a student; every field optional. Set `left_on` to mark the student as left (archived),
    null to bring them back."""

    given_name = _name(100)
    family_name = _name(100)
    preferred_name = _name(100, allow_none=True)
    class_id = id_field(strict=False, allow_none=True)
    sfo_enrolled = ma.fields.Boolean()
    external_id = _external_id
    left_on = ma.fields.Date(
        allow_none=True,
        metadata={"description": "The day the student left (not in the future); null: the student is back"},
    )


class StudentQuery(FeedQuery):
    """Search and filters for the student list."""

    q = ma.fields.String(
        validate=ma.validate.Length(max=100),
        metadata={
            "description": "Start of any name part; case- and accent-insensitive (å=a=aa, ø=o, æ=ae). "
            "Several words must all match. Best matches first."
        },
    )
    class_id = id_field(strict=False)
    grade = _grade_field
    include_inactive = ma.fields.Boolean(
        load_default=False, metadata={"description": "Also students who have left"}
    )


class ExportQuery(Schema):
    """What to export."""

    include_inactive = ma.fields.Boolean(load_default=False)
    class_id = id_field(strict=False)


# Guardians


class GuardianRead(Schema):
    """A guardian of a student."""

    id = ma.fields.Integer(dump_only=True)
    student_id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)
    relation = ma.fields.String(dump_only=True, metadata={"enum": RELATIONS})
    phone = ma.fields.String(dump_only=True, allow_none=True)
    email = ma.fields.String(dump_only=True, allow_none=True)
    has_custody = ma.fields.Boolean(
        dump_only=True, metadata={"description": "Holds custody (forældremyndighed)"}
    )
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    etag = computed(
        etag_of, "string", description="The record's version: If-Match to change it, If-None-Match to re-read"
    )


_phone = ma.fields.String(
    allow_none=True,
    validate=[ma.validate.Length(min=1, max=32), ma.validate.Regexp(r"^\+?[0-9][0-9 ()-]*$")],
    metadata={"example": "+45 12 34 56 78"},
)
_email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254))


class GuardianCreate(Schema):
    """A new guardian."""

    name = _name(200, required=True)
    relation = ma.fields.String(required=True, validate=ma.validate.OneOf(RELATIONS))
    phone = _phone
    email = _email
    has_custody = ma.fields.Boolean(load_default=True)


class GuardianUpdate(Schema):
    """Changes to a guardian; every field optional."""

    name = _name(200)
    relation = ma.fields.String(validate=ma.validate.OneOf(RELATIONS))
    phone = _phone
    email = _email
    has_custody = ma.fields.Boolean()


# Student log


class GuardianQuery(FeedQuery):
    """Filters for the school's guardians."""

    student_id = id_field(strict=False)


class LogQuery(Schema):
    """Cursor pagination of the student log, newest first."""

    before = ma.fields.AwareDateTime(
        metadata={"description": "Only entries older than this (the `next_before` of the previous page)"}
    )
    before_key = ma.fields.String(
        validate=[ma.validate.Length(max=80), ma.validate.Regexp(r"^[a-z0-9_]+:-?[0-9]+$")],
        metadata={
            "description": "With `before`: the `next_before_key` of the previous page, so entries with the "
            "very same time are neither skipped nor repeated"
        },
    )
    limit = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=100))
    kind = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        metadata={"description": "Only these kinds (repeat the parameter)"},
    )


class LogEntryRead(Schema):
    """One entry of the student log."""

    kind = ma.fields.String(dump_only=True, metadata={"example": "incident"})
    occurred_at = ma.fields.AwareDateTime(dump_only=True)
    summary = ma.fields.String(dump_only=True)
    ref_type = ma.fields.String(dump_only=True)
    ref_id = ma.fields.Integer(dump_only=True)
    author_id = ma.fields.Integer(dump_only=True, allow_none=True)
    author_name = ma.fields.String(dump_only=True, allow_none=True)
    detail = ma.fields.Dict(
        keys=ma.fields.String(),
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Structured facts of the entry (enum values, dates, counts) by kind, for "
            "showing it in the reader's language; the summary is the same in English"
        },
    )


class LogPage(Schema):
    """A page of the student log; pass `next_before` and `next_before_key` to get the next page."""

    items = ma.fields.List(ma.fields.Nested(LogEntryRead), required=True)
    limit = ma.fields.Integer(required=True)
    has_more = ma.fields.Boolean(required=True)
    next_before = ma.fields.AwareDateTime(allow_none=True, required=True)
    next_before_key = ma.fields.String(allow_none=True, required=True)
    scope = ma.fields.String(
        required=True,
        metadata={
            "enum": ["full", "own_entries"],
            "description": "full: everything you may see; own_entries: you are not among the student's "
            "need-to-know staff, so only entries you wrote are shown",
        },
    )


# Import


class ImportQuery(Schema):
    """How to import."""

    dry_run = ma.fields.Boolean(
        load_default=True, metadata={"description": "Only report what would change (default)"}
    )
    school_year = ma.fields.String(
        validate=[ma.validate.Length(equal=7), _school_year],
        metadata={"description": "The school year of the classes named in the file (default: the current)"},
    )
    leave_missing = ma.fields.Boolean(
        load_default=True,
        metadata={
            "description": "Mark active students with an external id that are not in the file as left "
            "(the file is the whole roster)"
        },
    )


class ImportFile(Schema):
    """The CSV file (multipart field `file`)."""

    file = Upload(required=True)


class ImportRowError(Schema):
    """A problem in one line of the file."""

    line = ma.fields.Integer(required=True)
    message = ma.fields.String(required=True)


class ImportReport(Schema):
    """What an import did (or, in a dry run, would do)."""

    dry_run = ma.fields.Boolean(required=True)
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    left = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    classes_created = ma.fields.List(ma.fields.String(), required=True)
    errors = ma.fields.List(ma.fields.Nested(ImportRowError), required=True)
