"""The request log screen (ctrl+l, palette "Request log"): every request the explorer made."""
