"""Numb Feet Bot: a Telegram bot for runners whose feet go numb or tingle on runs."""
