"""Screens over the explorer: sign-in and help."""

SIGN_IN_ID = "sign-in"
"""The sign-in screen's id: the app recognises it by this, without importing its module
(signin.py is imported only when it opens: most starts never show it)."""
