"""The integrator's part of the API description (the spec's `info.description`): the change feed, the mapping
of the incident model to Ed-Fi, and the versioning policy. The README tells the same with a worked example."""

from __future__ import annotations

INTEGRATION_DESCRIPTION = """
## Keeping a copy: the change feed

Students, classes, guardians (`/api/v1/guardians`), incidents with their case state, observations,
play-partner arrangements and wellbeing days each page two ways. People's screens page by number
(`page`, `page_size`: `{items, total, page, page_size}`). Programs keeping a copy page by **keyset cursor**:

1. **Full sync:** `GET …?cursor=` (an empty cursor). Rows come oldest change first, ordered by
   (`updated_at`, `id`). Follow `next_cursor` until it is `null`, then keep `complete_up_to`.
2. **Incremental sync:** `GET …?updated_since=<complete_up_to>`: what changed strictly after it, oldest first,
   plus `deleted: [{id, deleted_at, reason}]`, the tombstones of what was deleted, withdrawn or anonymised
   in the window. Follow `next_cursor` again; keep the new `complete_up_to`.

**The watermark rule.** A row's `updated_at` is stamped when its transaction writes it, and transactions
commit in any order (on PostgreSQL a row stamped earlier can become visible later). So a sync reads only up
to its watermark, `complete_up_to` = the time it started minus a safety lag (`FEED_SAFETY_LAG_SECONDS`,
default 5 s, longer than any write transaction): everything stamped up to it has committed. The watermark is
fixed in the cursor for the whole sync, so no row is skipped or repeated while others write; a row changed
meanwhile is stamped after it and comes in the next sync. (Ed-Fi's change queries and Microsoft Graph's
delta links work the same way.)

**Case work counts as a change of the case.** A note, an audience item, the action plan, a follow-up, a
referral or an acute measure moves the case's `updated_at` and `etag`, so the feed returns the case again.

**Tombstones** hold no personal data and are kept `TOMBSTONE_RETENTION_DAYS` (default 90). A cursor or
`updated_since` older than that is **410** `cursor_expired`: start a full sync again. A cursor is opaque and
signed; a changed or foreign one is **400** `invalid_cursor`. `page` cannot be combined with `cursor` or
`updated_since`. Filters apply to the feed too; a row that stops matching a filter is not reported as
deleted, so mirror a collection without filters. Students who left stay in the feed (`active: false`).

**Re-reading one record:** every `GET` of one record sends an `ETag`; send it back as `If-None-Match` and an
unchanged record answers **304** without a body.

## Mapping to Ed-Fi (Data Standard v5)

| Trivsel | Ed-Fi |
|---|---|
| incident (`/api/v1/incidents`) | DisciplineIncident |
| incident `id` | DisciplineIncident.incidentIdentifier |
| `occurred_at` | incidentDate + incidentTime |
| `place` | incidentLocationDescriptor |
| `description` | incidentDescription |
| `classification` (bullying, teasing, …) | behaviors[].behaviorDescriptor (a local descriptor namespace) |
| `knowledge_source` | reporterDescriptionDescriptor |
| `reporter` | staffReference |
| student role `actor` | StudentDisciplineIncidentBehaviorAssociation: participation **Perpetrator** |
| student role `target` | StudentDisciplineIncidentNonOffenderAssociation: **Victim** |
| student role `bystander` | StudentDisciplineIncidentNonOffenderAssociation: **Witness** |
| student role `supporter` (a follower of the actor) | StudentDisciplineIncidentBehaviorAssociation: **Perpetrator** |
| `knowledge_source` told_by_student (the target told an adult) | the target's association also carries **Reporter** |
| acute measures and action-plan measures | DisciplineAction (disciplineDate, disciplines[]) |
| follow-up meetings, referrals, audiences | no Ed-Fi counterpart (Trivsel's case work) |

## Versioning

`/api/v1` changes only by adding: new operations, new optional arguments, new fields in answers, new values
where an enum is documented as open. Clients ignore fields they do not know. Nothing is removed or renamed
within v1. An operation on its way out is marked `deprecated: true` here and answers with a `Deprecation`
header (RFC 9745, `@<epoch seconds>`), a `Sunset` header (RFC 8594, the earliest date it may stop) and a
`Link: <…>; rel="deprecation"` to its replacement; it keeps working until the sunset, at least six months.
Breaking changes go to `/api/v2`, served alongside v1 until v1's sunset.
"""
