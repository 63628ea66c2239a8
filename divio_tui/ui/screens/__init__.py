"""Screens over the explorer: sign-in and help."""
