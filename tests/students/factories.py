"""Factories of the students domain (classes, students and staff come from tests.factories)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.students.models import Guardian


def make_guardian(session: Session, student: Any, *, name: str = "Mette Jensen", **kw: Any) -> Guardian:
    """A guardian of a student."""
    guardian = Guardian(
        school_id=student.school_id,
        student_id=student.id,
        name=name,
        relation=kw.pop("relation", "mother"),
        phone=kw.pop("phone", "+45 12 34 56 78"),
        email=kw.pop("email", "mette@example.dk"),
        **kw,
    )
    session.add(guardian)
    session.commit()
    return guardian


def csv_bytes(*lines: str, sep: str = ";", bom: bool = False, encoding: str = "utf-8") -> bytes:
    """A roster file from lines written with `;` (re-separated with `sep`)."""
    text = "\r\n".join(line.replace(";", sep) for line in lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
