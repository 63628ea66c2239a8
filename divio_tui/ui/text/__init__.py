"""Turning API data into text people read: labels, times and sizes, roles (colours by
meaning), and the untrusted-text policy applied to everything the API returns."""
