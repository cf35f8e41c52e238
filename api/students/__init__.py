"""Students, classes, class staff and guardians; search, roster import and the student log."""
