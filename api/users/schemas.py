"""User schemas: create, update and read are separate; unknown fields are 422."""

from __future__ import annotations

import marshmallow as ma

from api.core.pagination import PageQuery
from api.extensions import Schema
from api.schools.schemas import SchoolBrief
from api.users.models import ROLE_VALUES, Role

_roles = ma.fields.List(
    ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)),
    validate=ma.validate.Length(min=1, max=len(ROLE_VALUES)),
)
_password = ma.fields.String(load_only=True, validate=ma.validate.Length(min=10, max=256))
_email = ma.fields.Email(validate=ma.validate.Length(max=254))
_name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class UserBrief(Schema):
    """A staff member as named on other records (cases, observations, arrangements)."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)


class UserRead(Schema):
    """A staff user."""

    id = ma.fields.Integer(dump_only=True)
    email = ma.fields.String(dump_only=True)
    name = ma.fields.String(dump_only=True)
    school = ma.fields.Nested(SchoolBrief, dump_only=True)
    # A municipality user reads their own account too (GET /auth/me), so a read names every role.
    roles = ma.fields.List(ma.fields.String(metadata={"enum": [r.value for r in Role]}), dump_only=True)
    active = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    last_login_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)


class UserCreate(Schema):
    """A new user of the admin's own school."""

    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    roles = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)),
        required=True,
        validate=ma.validate.Length(min=1, max=len(ROLE_VALUES)),
    )
    password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(min=10, max=256))


class UserUpdate(Schema):
    """Changes to a user; every field optional."""

    email = _email
    name = _name
    roles = _roles
    active = ma.fields.Boolean()
    password = _password


class UserQuery(PageQuery):
    """Filters for the user list."""

    q = ma.fields.String(
        validate=ma.validate.Length(max=100), metadata={"description": "Name or email contains"}
    )
    role = ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES))
    active = ma.fields.Boolean()


class StaffMemberRead(Schema):
    """A colleague as a picker shows one: who it is, nothing more."""

    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(dump_only=True)


class StaffQuery(PageQuery):
    """Filters for the staff directory."""

    q = ma.fields.String(validate=ma.validate.Length(max=100), metadata={"description": "Name contains"})
    works_with_children = ma.fields.Boolean(
        metadata={
            "description": "Only staff holding a role that works with children (leader, teacher, pedagogue, SFO "
            "staff, resource person): whom a play-partner arrangement's responsible adult may be"
        }
    )
