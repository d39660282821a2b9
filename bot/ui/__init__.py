"""Telegram-facing presentation: callback data codec, message texts and keyboards."""
