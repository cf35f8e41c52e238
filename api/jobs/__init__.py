"""Background work: `trivsel worker` delivers webhooks and runs the scheduled jobs (reminders, purges)."""
