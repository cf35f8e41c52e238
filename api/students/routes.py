"""Routes of classes, students, guardians, the student log and the roster import/export."""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from api.auth.scopes import client_scope
from api.core.db import db
from api.core.etag import if_match
from api.core.idempotency import idempotent
from api.core.pagination import PageQuery, page_schema
from api.core.permissions import current_user
from api.errors import PayloadTooLarge
from api.extensions import Blueprint
from api.students import guardian_feed, permissions, roster, service
from api.students.schemas import (
    CLASS_PAGE_EXTRA,
    ClassCreate,
    ClassQuery,
    ClassRead,
    ClassStaffAttach,
    ClassUpdate,
    ExportQuery,
    GuardianCreate,
    GuardianQuery,
    GuardianRead,
    GuardianUpdate,
    ImportFile,
    ImportQuery,
    ImportReport,
    LogPage,
    LogQuery,
    StudentCreate,
    StudentDetail,
    StudentQuery,
    StudentRead,
    StudentUpdate,
)

blp = Blueprint(
    "students",
    __name__,
    url_prefix="/api/v1",
    description="Students, classes and guardians: the roster, student search, import/export, the student log",
)

# Multipart framing around the file; the file itself is checked against IMPORT_MAX_BYTES exactly.
_MULTIPART_OVERHEAD = 64 * 1024


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file is too large: imports take at most {limit / 1_048_576:.1f} MB. "
        "Split the file (for example by grade) and import the parts."
    )


def large_upload(view: Any) -> Any:
    """Let this route (only) take bodies up to IMPORT_MAX_BYTES instead of the app-wide limit."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limit = current_app.config["IMPORT_MAX_BYTES"]
        if request.content_length is not None and request.content_length > limit + _MULTIPART_OVERHEAD:
            raise _too_large(limit)
        request.max_content_length = limit + _MULTIPART_OVERHEAD
        return view(*args, **kwargs)

    return wrapper


# Classes


@blp.route("/classes")
class Classes(MethodView):
    @client_scope("roster:read")
    @blp.arguments(ClassQuery, location="query")
    @blp.response(200, page_schema(ClassRead, feed=True, extra=CLASS_PAGE_EXTRA))
    @blp.errors(400, 401, 410)
    def get(self, args: dict[str, Any]) -> dict:
        """List the school's classes (mine=true: the classes I am attached to)"""
        return service.list_classes(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(ClassCreate)
    @blp.response(201, ClassRead)
    @blp.errors(401, 403, 409, 422)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Create a class (admin)"""
        school_class = service.create_class(db.session, caller=current_user(), **data)
        return school_class, 201, {"Location": f"/api/v1/classes/{school_class.id}"}


@blp.route("/classes/<int:class_id>")
class ClassById(MethodView):
    @client_scope("roster:read")
    @blp.response(200, ClassRead)
    @blp.errors(401, 404)
    @blp.etag
    def get(self, class_id: int) -> Any:
        """Get a class with its staff"""
        return service.get_class(db.session, caller=current_user(), class_id=class_id)

    @blp.arguments(ClassUpdate)
    @blp.response(200, ClassRead)
    @blp.errors(401, 403, 404, 409, 422)
    @blp.etag
    def patch(self, data: dict[str, Any], class_id: int) -> Any:
        """Rename a class or change its grade or school year (admin; send If-Match)"""
        session, caller = db.session, current_user()
        school_class = service.get_class(session, caller=caller, class_id=class_id)
        return service.update_class(
            session, caller=caller, school_class=school_class, changes=data, if_match=if_match()
        )


@blp.route("/classes/<int:class_id>/staff")
class ClassStaffList(MethodView):
    @idempotent
    @blp.arguments(ClassStaffAttach)
    @blp.response(200, ClassRead)
    @blp.errors(401, 403, 404, 409, 422)
    def post(self, data: dict[str, Any], class_id: int) -> Any:
        """Attach a staff member to a class, or change their role in it (admin)"""
        session, caller = db.session, current_user()
        school_class = service.get_class(session, caller=caller, class_id=class_id)
        return service.attach_staff(session, caller=caller, school_class=school_class, **data)


@blp.route("/classes/<int:class_id>/staff/<int:user_id>")
class ClassStaffMember(MethodView):
    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, class_id: int, user_id: int) -> None:
        """Detach a staff member from a class (admin)"""
        session, caller = db.session, current_user()
        school_class = service.get_class(session, caller=caller, class_id=class_id)
        service.detach_staff(session, caller=caller, school_class=school_class, user_id=user_id)


# Students


@blp.route("/students")
class Students(MethodView):
    @client_scope("roster:read")
    @blp.arguments(StudentQuery, location="query")
    @blp.response(200, page_schema(StudentRead, feed=True))
    @blp.errors(400, 401, 410, 422)
    def get(self, args: dict[str, Any]) -> dict:
        """Find students: q matches the start of any name part, accent-insensitive; best matches first"""
        return service.list_students(db.session, caller=current_user(), **args)

    @idempotent
    @blp.arguments(StudentCreate)
    @blp.response(201, StudentRead)
    @blp.errors(401, 403, 409, 422)
    @blp.etag
    def post(self, data: dict[str, Any]) -> Any:
        """Add a student (admin)"""
        student = service.create_student(db.session, caller=current_user(), **data)
        return student, 201, {"Location": f"/api/v1/students/{student.id}"}


@blp.route("/students/export")
class StudentExport(MethodView):
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv", description="The roster as CSV")
    @blp.errors(401, 403, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """Export the roster as CSV for Excel (admin, leader); importable again"""
        text = service.export_roster(db.session, caller=current_user(), **args)
        return Response(
            text,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{roster.export_filename()}"'},
        )


@blp.route("/students/import")
class StudentImport(MethodView):
    @large_upload
    @blp.arguments(ImportQuery, location="query")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, ImportReport)
    @blp.errors(401, 403, 413, 422)
    def post(self, args: dict[str, Any], files: dict[str, Any]) -> dict:
        """Import the roster from CSV (admin); dry_run=true (default) only reports what would change"""
        session, caller = db.session, current_user()
        permissions.ensure_can_manage_roster(caller, what="import the roster")
        limit = current_app.config["IMPORT_MAX_BYTES"]
        data = files["file"].read(limit + 1)
        if len(data) > limit:
            raise _too_large(limit)
        report = roster.import_roster(
            session,
            school_id=caller.school_id,
            data=data,
            dry_run=args["dry_run"],
            school_year=args.get("school_year") or service.current_school_year(),
            leave_missing=args["leave_missing"],
            caller=caller,
        )
        return report.as_dict()


@blp.route("/students/<int:student_id>")
class StudentById(MethodView):
    @client_scope("roster:read")
    @blp.response(200, StudentDetail)
    @blp.errors(401, 404)
    @blp.etag
    def get(self, student_id: int) -> Any:
        """Get a student (names and class), with what you may do from their page"""
        caller = current_user()
        return service.present(caller, service.get_student(db.session, caller=caller, student_id=student_id))

    @blp.arguments(StudentUpdate)
    @blp.response(200, StudentRead)
    @blp.errors(401, 403, 404, 409, 422)
    @blp.etag
    def patch(self, data: dict[str, Any], student_id: int) -> Any:
        """Change a student, or mark them as left with left_on (admin; send If-Match)"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        return service.update_student(
            session, caller=caller, student=student, changes=data, if_match=if_match()
        )


@blp.route("/students/<int:student_id>/log")
class StudentLog(MethodView):
    @blp.arguments(LogQuery, location="query")
    @blp.response(200, LogPage)
    @blp.errors(401, 404, 422)
    def get(self, args: dict[str, Any], student_id: int) -> dict:
        """The student log (elevlog): everything about the student you may see, newest first"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        return service.student_log(session, caller=caller, student=student, **args)


# Guardians


@blp.route("/guardians")
class SchoolGuardians(MethodView):
    @blp.arguments(GuardianQuery, location="query")
    @blp.response(200, page_schema(GuardianRead, "SchoolGuardianPage", feed=True))
    @blp.errors(400, 401, 410, 422)
    def get(self, args: dict[str, Any]) -> dict:
        """The school's guardians I may see, and their change feed

        Leaders, resource persons and admins see every guardian of the school; other staff those of the
        students of the classes they are attached to."""
        return guardian_feed.list_school_guardians(db.session, caller=current_user(), **args)


@blp.route("/students/<int:student_id>/guardians")
class Guardians(MethodView):
    @client_scope("roster:read")
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_schema(GuardianRead))
    @blp.errors(401, 403, 404)
    def get(self, args: dict[str, Any], student_id: int) -> dict:
        """A student's guardians (leaders, resource persons, admins, the class's staff)"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        return service.list_guardians(session, caller=caller, student=student, **args)

    @idempotent
    @blp.arguments(GuardianCreate)
    @blp.response(201, GuardianRead)
    @blp.errors(401, 403, 404, 409, 422)
    @blp.etag
    def post(self, data: dict[str, Any], student_id: int) -> Any:
        """Add a guardian (admins, leaders, the class teacher)"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        guardian = service.create_guardian(session, caller=caller, student=student, **data)
        return guardian, 201, {"Location": f"/api/v1/students/{student.id}/guardians/{guardian.id}"}


@blp.route("/students/<int:student_id>/guardians/<int:guardian_id>")
class GuardianById(MethodView):
    @client_scope("roster:read")
    @blp.response(200, GuardianRead)
    @blp.errors(401, 403, 404)
    @blp.etag
    def get(self, student_id: int, guardian_id: int) -> Any:
        """Get a guardian"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        return service.read_guardian(session, caller=caller, student=student, guardian_id=guardian_id)

    @blp.arguments(GuardianUpdate)
    @blp.response(200, GuardianRead)
    @blp.errors(401, 403, 404, 422)
    @blp.etag
    def patch(self, data: dict[str, Any], student_id: int, guardian_id: int) -> Any:
        """Change a guardian (admins, leaders, the class teacher; send If-Match)"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        guardian = service.get_guardian(session, caller=caller, student=student, guardian_id=guardian_id)
        return service.update_guardian(
            session, caller=caller, student=student, guardian=guardian, changes=data, if_match=if_match()
        )

    @blp.response(204)
    @blp.errors(401, 403, 404)
    def delete(self, student_id: int, guardian_id: int) -> None:
        """Remove a guardian (admins, leaders, the class teacher)"""
        session, caller = db.session, current_user()
        student = service.get_student(session, caller=caller, student_id=student_id, audited=False)
        guardian = service.get_guardian(session, caller=caller, student=student, guardian_id=guardian_id)
        service.delete_guardian(session, caller=caller, student=student, guardian=guardian)
