"""Notifications: one service for every message Sinau sends to a person
(certificate issued, feedback released, reminders, deadlines, announcements,
password links, invitations, weekly summaries) and the channels that carry
it (in Sinau, WhatsApp, SMS, web push, email, by hand). See
docs/decisions/0026-notifications.md."""
