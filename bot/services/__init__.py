"""Domain logic: Telegram-free use cases that take repositories and plain values."""
