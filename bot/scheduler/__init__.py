"""The reminder dispatcher's Telegram edge: one repeating job that sends due reminders."""
