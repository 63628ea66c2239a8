"""Small widgets the screens share: the header bar, the filter bar."""
